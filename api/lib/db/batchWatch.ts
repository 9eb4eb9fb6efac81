/**
 * The per-process hub behind live progress: whoever watches a batch is handed its row at once and
 * again at each visible change, whichever process made it. Changes come from the one LISTEN connection
 * (./channelListener, on BATCH_CHANGED_CHANNEL, which every statement that changes a batch's progress or status
 * notifies at its commit, from whichever process ran it); each one makes the hub read the batch once, for every watcher of it:
 *
 * - coalesced: per batch, at most one read in flight and one more after it, however many
 *   notifications arrive meanwhile (a chunk commits, its completion check commits, ...);
 * - deduplicated: a watcher is called only when a column the job body shows changed since the row it
 *   was last handed (report links are signed by each rendering, so they are not compared);
 * - safe: every watched batch is read again when the LISTEN connection comes back (notifications
 *   were lost meanwhile) and every `resyncSeconds` (a notification can be lost without the connection
 *   saying so).
 *
 * No watcher has a connection or a query loop of its own: a thousand streams of one batch cost one
 * read per change.
 */
import { coerceError } from '../core/errors';
import { createLogger } from '../core/log';
import { type ChannelListener, listenToChannel } from './channelListener';
import type { Queryable } from './pool';
import { BATCH_CHANGED_CHANNEL, type BatchRow, findBatch } from './sql/batches';

const log = createLogger('batch-watch');

export type BatchWatcher = (batch: BatchRow) => void;

export interface BatchWatchStats {
  /** Batches watched, and watchers of them all. */
  batches: number;
  subscribers: number;
  readsInFlight: number;
  /** Whether the periodic re-read runs (only while something is watched). */
  resyncing: boolean;
  listening: boolean;
  /** Notifications received since the start (of any batch, watched or not). */
  notifications: number;
}

export interface BatchWatch {
  /** Calls `onChange` with the batch now, then at each visible change; returns the unsubscribe. */
  watch(batchId: string, onChange: BatchWatcher): () => void;
  stats(): BatchWatchStats;
  stop(): Promise<void>;
}

export interface BatchWatchOptions {
  /** Where batches are read (the service's pool). */
  db: Queryable;
  /** The database to LISTEN on, on a connection of the hub's own. */
  databaseUrl: string;
  /** Seconds between safety re-reads of every watched batch. */
  resyncSeconds?: number;
}

/** The columns the job body shows: a change of any other (the email's progress, retention) is not sent. */
function visibleState(batch: BatchRow): string {
  return JSON.stringify([
    batch.status,
    batch.total_chunks,
    batch.completed_chunks,
    batch.total_rows,
    batch.successes,
    batch.duplicates,
    batch.failures,
    batch.completed_at,
    batch.result,
    batch.cancelled_at,
    batch.id_canceller,
    batch.reverted_at,
    batch.id_reverter,
  ]);
}

interface Watcher {
  onChange: BatchWatcher;
  /** The visible state it was last handed. */
  seen: string | undefined;
}

interface Entry {
  watchers: Set<Watcher>;
  reading: boolean;
  /** A change arrived during the read: read once more after it. */
  again: boolean;
}

/** How the hub's LISTEN connection names itself in pg_stat_activity. */
export const BATCH_CHANGES_APPLICATION_NAME = 'cave-import batch-changes';

export async function startBatchWatch({
  db,
  databaseUrl,
  resyncSeconds = 20,
}: BatchWatchOptions): Promise<BatchWatch> {
  const entries = new Map<string, Entry>();
  let readsInFlight = 0;
  let notifications = 0;
  let resyncTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const deliver = (entry: Entry, batch: BatchRow) => {
    const state = visibleState(batch);
    for (const watcher of [...entry.watchers]) {
      // Unsubscribed by an earlier watcher's call, or handed this state already.
      if (!entry.watchers.has(watcher) || watcher.seen === state) continue;
      watcher.seen = state;
      try {
        watcher.onChange(batch);
      } catch (error) {
        log.error('A batch watcher failed', { batch: batch.id, error: coerceError(error) });
      }
    }
  };

  const requestRead = (batchId: string) => {
    const entry = entries.get(batchId);
    if (!entry || stopped) return;
    if (entry.reading) {
      entry.again = true;
      return;
    }
    entry.reading = true;
    readsInFlight++;
    void (async () => {
      try {
        do {
          entry.again = false;
          const batch = await findBatch(db, batchId);
          if (batch) deliver(entry, batch);
        } while (entry.again && entry.watchers.size > 0 && !stopped);
      } catch (error) {
        // The next notification, the reconnection or the periodic re-read tries again.
        log.warn('Could not read a watched batch', { batch: batchId, error: coerceError(error) });
      } finally {
        entry.reading = false;
        readsInFlight--;
      }
    })();
  };

  const readAll = () => {
    for (const batchId of entries.keys()) requestRead(batchId);
  };

  const listener: ChannelListener = await listenToChannel(databaseUrl, {
    channel: BATCH_CHANGED_CHANNEL,
    applicationName: BATCH_CHANGES_APPLICATION_NAME,
    onNotification: (batchId) => {
      notifications++;
      requestRead(batchId);
    },
    onSubscribed: readAll,
  });

  return {
    watch(batchId, onChange) {
      if (stopped) throw new Error('The batch watch is stopped');
      let entry = entries.get(batchId);
      if (!entry) {
        entry = { watchers: new Set(), reading: false, again: false };
        entries.set(batchId, entry);
      }
      const watcher: Watcher = { onChange, seen: undefined };
      entry.watchers.add(watcher);
      resyncTimer ??= setInterval(readAll, resyncSeconds * 1000).unref();
      // Handed the row of the read in flight if there is one, and in any case of a read that starts
      // after it subscribed: no change committed before can be missing from what it is handed.
      requestRead(batchId);
      const watched = entry;
      return () => {
        if (!watched.watchers.delete(watcher) || watched.watchers.size > 0) return;
        if (entries.get(batchId) === watched) entries.delete(batchId);
        if (entries.size === 0) {
          clearInterval(resyncTimer);
          resyncTimer = undefined;
        }
      };
    },
    stats() {
      let subscribers = 0;
      for (const entry of entries.values()) subscribers += entry.watchers.size;
      return {
        batches: entries.size,
        subscribers,
        readsInFlight,
        resyncing: resyncTimer !== undefined,
        listening: listener.listening,
        notifications,
      };
    },
    async stop() {
      stopped = true;
      clearInterval(resyncTimer);
      resyncTimer = undefined;
      for (const entry of entries.values()) entry.watchers.clear();
      entries.clear();
      await listener.stop();
    },
  };
}
