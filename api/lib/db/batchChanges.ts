/**
 * The one connection of an API process that LISTENs for batch changes: every statement that changes
 * a batch's progress or status notifies BATCH_CHANGED_CHANNEL with the batch id, at its commit, from
 * whichever process ran it. The connection is held apart from the pool (a pooled client would be
 * handed to other work and lose its LISTEN), and comes back with back-off when it drops; since
 * notifications sent meanwhile are lost, `onReconnect` then tells the caller to read again.
 */
import pg from 'pg';
import { coerceError } from '../core/errors';
import { createLogger } from '../core/log';
import { BATCH_CHANGED_CHANNEL } from './sql/batches';

/** How the connection names itself in pg_stat_activity. */
export const BATCH_CHANGES_APPLICATION_NAME = 'cave-import batch-changes';

const log = createLogger('batch-changes');

export interface BatchChangeHandlers {
  /** A batch changed (committed), in this process or another. */
  onChange(batchId: string): void;
  /** The connection came back after a loss: changes made meanwhile were not announced. */
  onReconnect(): void;
}

export interface BatchChangeListener {
  /** Whether the LISTEN connection is up right now. */
  readonly listening: boolean;
  /**
   * Checks the connection with a round trip; a connection that does not answer within `timeoutMs`
   * is dropped and replaced (a half-open TCP connection delivers nothing and says nothing).
   */
  ping(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BatchChangeOptions {
  /** First delay before reconnecting, doubled on each failure up to `maxRetryDelayMs`. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Connects and LISTENs; resolves once listening (rejects if the first connection fails). */
export async function listenForBatchChanges(
  connectionString: string,
  handlers: BatchChangeHandlers,
  { minRetryDelayMs = 500, maxRetryDelayMs = 30_000 }: BatchChangeOptions = {},
): Promise<BatchChangeListener> {
  let client: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  /** Drops the current connection (if it is still `which`) and schedules the next one. */
  const lose = (which: pg.Client) => {
    if (client !== which) return;
    client = null;
    which.end().catch(() => {});
    scheduleReconnect();
  };

  const connect = async (): Promise<pg.Client> => {
    const next = new pg.Client({
      connectionString,
      application_name: BATCH_CHANGES_APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      // A connection attempt that hangs fails, and is retried, instead of leaving nobody listening.
      connectionTimeoutMillis: 10_000,
    });
    let ended = false;
    // A terminated backend or a server restart arrives as 'error' (maybe more than one) then 'end':
    // said once, and reconnected, never a crash.
    next.on('error', () => {});
    next.once('error', (error) => {
      if (client === next) log.warn('LISTEN connection lost: reconnecting', { error });
    });
    next.on('end', () => {
      ended = true;
      lose(next);
    });
    next.on('notification', (message) => {
      if (message.channel === BATCH_CHANGED_CHANNEL && message.payload) handlers.onChange(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(BATCH_CHANGED_CHANNEL)}`);
      // Ended while connecting: `lose` ignored it, not being the current connection yet.
      if (ended) throw new Error('The connection ended while it was being set up');
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    return next;
  };

  function scheduleReconnect(): void {
    if (stopped || retryTimer) return;
    // Doubling, with jitter so that the API processes of a restarted server do not all come at once.
    const delay = Math.min(maxRetryDelayMs, minRetryDelayMs * 2 ** failures) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      try {
        const next = await connect();
        if (stopped) {
          await next.end().catch(() => {});
          return;
        }
        client = next;
        failures = 0;
        log.info('LISTEN connection back');
        handlers.onReconnect();
      } catch (error) {
        failures++;
        log.warn(`LISTEN connection refused (attempt ${failures}): retrying`, { error: coerceError(error) });
        scheduleReconnect();
      }
    }, delay);
  }

  client = await connect();

  return {
    get listening() {
      return client !== null;
    },
    async ping(timeoutMs) {
      const current = client;
      if (!current) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          current.query('SELECT 1'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        if (client === current) {
          log.warn('LISTEN connection does not answer: replacing it', { error: coerceError(error) });
          lose(current);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
