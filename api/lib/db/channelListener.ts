/**
 * A connection that LISTENs on one channel: live progress listens for batch changes on it, and
 * pg-boss for new jobs. It is held apart from the pool (a pooled client would be handed to other
 * work and lose its LISTEN) and comes back with back-off when it drops; notifications sent meanwhile
 * are lost, so `onSubscribed` runs after every (re)subscription for the caller to catch up.
 *
 * A connection we end can still receive the server's last message before its socket closes (a
 * restart's or an administrator's "terminating connection"), and an 'error' event nobody hears ends
 * the process. So each client keeps an error listener for its whole life, ended or not.
 */
import pg from 'pg';
import { coerceError } from '../core/errors';
import { createLogger } from '../core/log';

const log = createLogger('listen');

export interface ChannelListenerOptions {
  channel: string;
  /** How the connection names itself in pg_stat_activity. */
  applicationName: string;
  onNotification(payload: string): void;
  /** Subscribed, at first or again after a loss: notifications sent while it was down were lost. */
  onSubscribed(): void;
  /** First delay before reconnecting, doubled on each failure up to `maxRetryDelayMs`. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * A round trip this often checks the connection, which is replaced when it does not answer within
   * the same time: a half-open TCP connection delivers nothing and says nothing.
   */
  heartbeatMs?: number;
}

export interface ChannelListener {
  /** Whether the LISTEN connection is up right now. */
  readonly listening: boolean;
  stop(): Promise<void>;
}

/** Connects and LISTENs; resolves once listening (rejects if the first connection fails). */
export async function listenToChannel(
  connectionString: string,
  options: ChannelListenerOptions,
): Promise<ChannelListener> {
  const { channel, minRetryDelayMs = 500, maxRetryDelayMs = 30_000, heartbeatMs = 10_000 } = options;
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
      application_name: options.applicationName,
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
      if (client === next) log.warn(`LISTEN ${channel} connection lost: reconnecting`, { error });
    });
    next.on('end', () => {
      ended = true;
      lose(next);
    });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined)
        options.onNotification(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
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
    // Doubling, with jitter so that the processes of a restarted server do not all come at once.
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
        log.info(`LISTEN ${channel} connection back`);
        subscribed();
      } catch (error) {
        failures++;
        log.warn(`LISTEN ${channel} connection refused (attempt ${failures}): retrying`, {
          error: coerceError(error),
        });
        scheduleReconnect();
      }
    }, delay);
  }

  /** The caller catches up; a failure of its own must not cost the connection, nor leak one. */
  const subscribed = () => {
    try {
      options.onSubscribed();
    } catch (error) {
      log.error(`LISTEN ${channel}: catching up after subscribing failed`, { error: coerceError(error) });
    }
  };

  const heartbeat = async () => {
    const current = client;
    if (!current) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      // The connection answers, and still listens (a LISTEN can be lost without the connection).
      const listening = current.query<{ listening: boolean }>(
        'SELECT $1 = ANY (ARRAY(SELECT pg_listening_channels())) AS listening',
        [channel],
      );
      const { rows } = await Promise.race([
        listening,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${heartbeatMs} ms`)), heartbeatMs);
        }),
      ]);
      if (!rows[0]?.listening) throw new Error(`no longer listening on ${channel}`);
    } catch (error) {
      if (client === current) {
        log.warn(`LISTEN ${channel} connection does not answer: replacing it`, { error: coerceError(error) });
        lose(current);
      }
    } finally {
      clearTimeout(timer);
    }
  };

  client = await connect();
  subscribed();
  const heartbeatTimer = setInterval(() => void heartbeat(), heartbeatMs).unref();

  return {
    get listening() {
      return client !== null;
    },
    async stop() {
      stopped = true;
      clearInterval(heartbeatTimer);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
