import pg from 'pg';

/**
 * Anything that runs SQL: a pool, a client inside a transaction, or pg-boss's transaction handle.
 * Domain modules take this, so the caller decides which transaction they run in.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

/** The shape pg-boss hands to transactional workers and accepts as `{ db }`. */
export interface ExecuteSql {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** How long a request waits for a pooled connection before it is told the database is busy. */
const CONNECTION_WAIT_MS = 30_000;

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: 'cave-import',
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** Views a pg-boss transaction as a Queryable, so domain SQL can join it. */
export function fromExecuteSql(db: ExecuteSql): Queryable {
  return {
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      (await db.executeSql(text, values)) as { rows: R[] },
  };
}

/** Views a Queryable as the `{ executeSql }` that pg-boss calls accept as `db`. */
export function toExecuteSql(db: Queryable): ExecuteSql {
  return { executeSql: (text, values) => db.query(text, values) };
}

/**
 * Runs `work` in one transaction on a dedicated client. While it is checked out, a client whose
 * connection drops (a server restart, pg_terminate_backend) emits 'error' outside any query; the pool
 * only listens to idle clients, so without a listener here that error would end the process. A
 * client that failed is discarded, not returned to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Runs `work` inside a savepoint so a failing statement can be undone without losing the transaction. */
export async function withSavepoint<T>(db: Queryable, name: string, work: () => Promise<T>): Promise<T> {
  await db.query(`SAVEPOINT ${name}`);
  try {
    const result = await work();
    await db.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await db.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

/** Driver and socket errors of a lost connection, which carry no SQLSTATE. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CONNECTION_ERROR_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|terminating connection|timeout exceeded when trying to connect)/;

/**
 * Errors of a database that cannot serve the request now but may in a moment: a connection lost or
 * refused, the server shutting down or out of connections, none free in the pool, a deadlock, a
 * serialization failure, a lock or statement given up. Not disk full, out of memory or a protocol
 * error: those are faults to report, not to retry.
 */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  const { code, message, cause, raw } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    raw?: { error?: unknown } | unknown;
  };
  if (typeof code === 'string') {
    if (/^(08000|08001|08003|08004|08006|57P0[1-3]|53300|40001|40P01|55P03|57014)$/.test(code)) return true;
    if (CONNECTION_ERROR_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && CONNECTION_ERROR_MESSAGE.test(message)) return true;
  // Wrapped: a cause, or what Waterline's adapter (sails-postgresql) puts in `raw.error`.
  if (depth >= 3) return false;
  const inner = [cause, raw, (raw as { error?: unknown } | undefined)?.error];
  return inner.some(
    (wrapped) => wrapped !== undefined && wrapped !== null && isUnavailableError(wrapped, depth + 1),
  );
}

/**
 * Errors that say nothing about the rows (a deadlock, a cancelled statement, a lost connection, a
 * server shutting down): the work is retried whole instead of failing rows that are fine.
 */
export function isTransientError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^(40001|40P01|55P03|57014|57P0[1-3]|53\d{3}|08\d{3})$/.test(code)) return true;
    if (CONNECTION_ERROR_CODES.has(code)) return true;
  }
  return typeof message === 'string' && CONNECTION_ERROR_MESSAGE.test(message);
}
