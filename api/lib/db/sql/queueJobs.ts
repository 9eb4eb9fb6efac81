/**
 * The only reads of pg-boss's own tables. pg-boss owns its schema and may change it in any release,
 * so every statement that looks inside lives here, written against one schema version; startup warns
 * when the installed pg-boss runs another (see `checkQueueSchemaVersion`).
 *
 * Written against pg-boss 12.38, schema version 46: `<schema>.job (name, data jsonb, state, ...)`,
 * `<schema>.version (version)`.
 */
import pg from 'pg';
import { QUEUES } from '../../core/types';
import type { Queryable } from '../pool';
import { CHUNK_HAS_UNFINISHED_ROWS } from './batchRows';

export const PG_BOSS_SCHEMA_VERSION = 46;

/** Jobs that may still run: anything not completed, cancelled or failed for good. */
const LIVE = "state IN ('created', 'retry', 'active')";

/** The job table of the queue's schema (a lower-case identifier, checked by the settings). */
export const queueJobTable = (schema: string) => `${pg.escapeIdentifier(schema)}.job`;

export async function readQueueSchemaVersion(db: Queryable, schema: string): Promise<number | null> {
  const { rows } = await db.query<{ version: string | number }>(
    `SELECT version FROM ${pg.escapeIdentifier(schema)}.version`,
  );
  return rows.length ? Number(rows[0].version) : null;
}

/**
 * Batches older than the grace period whose every chunk is done, yet no completion check is left to
 * move them on.
 */
export async function findBatchesMissingCompletionCheck(
  db: Queryable,
  schema: string,
  graceSeconds: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.status IN ('pending', 'active') AND b.completed_chunks = b.total_chunks
        AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${queueJobTable(schema)} j
                         WHERE j.name = $2 AND j.data->>'batchId' = b.id::text AND j.${LIVE})`,
    [graceSeconds, QUEUES.completionCheck],
  );
  return rows.map((row) => row.id);
}

/** Chunks with unfinished rows and no job left, neither their own nor their dead letter, to finish them. */
export async function findJoblessChunks(
  db: Queryable,
  schema: string,
  graceSeconds: number,
): Promise<{ batchId: string; chunk: number; initiatorId: number }[]> {
  const { rows } = await db.query<{ batchId: string; chunk: number; initiatorId: number }>(
    `SELECT b.id AS "batchId", c.chunk, b.id_initiator AS "initiatorId"
       FROM t_job_batch b
      CROSS JOIN generate_series(0, b.total_chunks - 1) AS c(chunk)
      WHERE b.status IN ('pending', 'active')
        AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${queueJobTable(schema)} j
                         WHERE j.name IN ($2, $3) AND j.data->>'batchId' = b.id::text
                           AND (j.data->>'chunk')::int = c.chunk AND j.${LIVE})
        AND ${CHUNK_HAS_UNFINISHED_ROWS}`,
    [graceSeconds, QUEUES.chunk, QUEUES.chunkDead],
  );
  return rows;
}

/** Aggregating batches with neither an aggregation nor its dead letter left to end them. */
export async function findBatchesMissingAggregation(
  db: Queryable,
  schema: string,
  graceSeconds: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.status = 'aggregating' AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${queueJobTable(schema)} j
                         WHERE j.name IN ($2, $3) AND j.data->>'batchId' = b.id::text AND j.${LIVE})`,
    [graceSeconds, QUEUES.aggregate, QUEUES.aggregateDead],
  );
  return rows.map((row) => row.id);
}

/**
 * Ended batches, older than the grace period, whose email is neither sent nor settled (or whose
 * claim has gone stale) and that no email job, live or dead-lettered, is about to send.
 */
export async function findBatchesMissingEmail(
  db: Queryable,
  schema: string,
  graceSeconds: number,
  staleClaimSeconds: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.status IN ('completed', 'failed', 'cancelled') AND b.completed_at < now() - make_interval(secs => $1)
        AND (b.email_state IS NULL
             OR (b.email_state = 'sending' AND b.email_state_at < now() - make_interval(secs => $2)))
        AND NOT EXISTS (SELECT 1 FROM ${queueJobTable(schema)} j
                         WHERE j.name IN ($3, $4) AND j.data->>'batchId' = b.id::text AND j.${LIVE})`,
    [graceSeconds, staleClaimSeconds, QUEUES.email, QUEUES.emailDead],
  );
  return rows.map((row) => row.id);
}

/**
 * Wakes the workers of a queue, in every process, at the commit of `db`'s transaction: the NOTIFY
 * pg-boss itself sends when it inserts a job (its channel, derived from the schema as in pg-boss's
 * `notifyChannelSql`; the payload is the queue's name). A worker that receives it while busy fetches
 * again as soon as its job ends, instead of sleeping a polling interval first.
 */
export async function wakeQueueWorkers(db: Queryable, schema: string, queue: string): Promise<void> {
  await db.query(
    `SELECT pg_notify('pgboss_' || left(encode(sha224(convert_to($1, 'UTF8')), 'hex'), 24), $2)`,
    [schema, queue],
  );
}

/** Every job of one queue, whatever its batch or state. */
export async function countQueueJobs(db: Queryable, schema: string, queue: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${queueJobTable(schema)} WHERE name = $1`,
    [queue],
  );
  return rows[0].n;
}

/** Jobs of one queue for one batch, by state: for operators and tests looking at a batch's history. */
export async function countBatchJobs(
  db: Queryable,
  schema: string,
  queue: string,
  batchId: string,
): Promise<{ total: number; retried: number; live: number }> {
  const { rows } = await db.query<{ total: number; retried: number; live: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE retry_count > 0)::int AS retried,
            count(*) FILTER (WHERE ${LIVE})::int AS live
       FROM ${queueJobTable(schema)} WHERE name = $1 AND data->>'batchId' = $2`,
    [queue, batchId],
  );
  return rows[0];
}

/** What each chunk job of a batch recorded in its output: its rows and the handler's time. */
export async function readChunkTimings(
  db: Queryable,
  schema: string,
  batchId: string,
): Promise<{ rows: number; ms: number }[]> {
  const { rows } = await db.query<{ rows: number; ms: number }>(
    `SELECT (output->>'rows')::int AS rows, (output->>'ms')::float8 AS ms
       FROM ${queueJobTable(schema)}
      WHERE name = $1 AND data->>'batchId' = $2 AND state = 'completed'`,
    [QUEUES.chunk, batchId],
  );
  return rows;
}
