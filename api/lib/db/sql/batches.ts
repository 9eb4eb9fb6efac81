/**
 * t_job_batch: one row per import request. Counters only grow, and every status change is a
 * conditional UPDATE, so concurrent workers can never move a batch backwards.
 */
import type { BatchResult, BatchStatus, FinalStatus, OutcomeCounts } from '../../core/types';
import type { Queryable } from '../pool';

/**
 * The channel on which every change of a batch's progress or status is announced, with the batch id
 * as payload. Sent from the changing statement itself (`RETURNING pg_notify(...)`), so it is delivered
 * at that transaction's commit, to every process, and never for a change that rolled back.
 */
export const BATCH_CHANGED_CHANNEL = 'job_batch_changed';
const NOTIFY_CHANGED = `pg_notify('${BATCH_CHANGED_CHANNEL}', id::text)`;

/**
 * A t_job_batch row as PostgreSQL returns it (BATCH_COLUMNS), but for chunk_first_lines: an array
 * as long as the batch has chunks, which only the chunk reads of batchRows.ts need.
 */
export interface BatchRow {
  id: string;
  type: string;
  status: BatchStatus;
  id_initiator: number;
  created_at: Date;
  completed_at: Date | null;
  total_rows: number;
  chunk_size: number;
  total_chunks: number;
  completed_chunks: number;
  successes: number;
  duplicates: number;
  failures: number;
  result: BatchResult | null;
  /** The CSV header in the file's order (jsonb rows forget it): failures.csv repeats it. */
  columns: string[];
  email_state: EmailState | null;
  email_state_at: Date | null;
  email_error: string | null;
  /** When the staged rows' data was deleted (retention); the batch and its reports stay. */
  rows_deleted_at: Date | null;
  /** When, and by whom, the batch's cancellation was asked for; it then ends `cancelled`. */
  cancelled_at: Date | null;
  id_canceller: number | null;
  /** When, and by whom, what the batch created was soft-deleted. */
  reverted_at: Date | null;
  id_reverter: number | null;
}

/** The columns of BatchRow. */
export const BATCH_COLUMNS = `id, type, status, id_initiator, created_at, completed_at, total_rows, chunk_size, total_chunks,
  completed_chunks, successes, duplicates, failures, result, columns, email_state, email_state_at, email_error,
  rows_deleted_at, cancelled_at, id_canceller, reverted_at, id_reverter`;

/** What became of a batch's completion email (null: not sent yet). */
export type EmailState = 'sending' | 'sent' | 'skipped' | 'undeliverable';

export interface NewBatch {
  id: string;
  initiatorId: number;
  totalRows: number;
  chunkSize: number;
  totalChunks: number;
  columns: readonly string[];
  /** The first line of each chunk's run of key groups (see batchRows.ts). */
  chunkFirstLines: readonly number[];
}

export async function insertBatch(db: Queryable, batch: NewBatch): Promise<void> {
  await db.query(
    `INSERT INTO t_job_batch (id, id_initiator, total_rows, chunk_size, total_chunks, columns, chunk_first_lines)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::int[])`,
    [
      batch.id,
      batch.initiatorId,
      batch.totalRows,
      batch.chunkSize,
      batch.totalChunks,
      JSON.stringify(batch.columns),
      batch.chunkFirstLines,
    ],
  );
}

/** The columns a job body shows (http/views/jobStatus.ts): not the header, nor the email's state. */
const JOB_COLUMNS = `id, type, status, created_at, completed_at, total_chunks, completed_chunks, total_rows,
  successes, duplicates, failures, result, cancelled_at, id_canceller, reverted_at, id_reverter, id_initiator`;

export type JobRow = Pick<
  BatchRow,
  | 'id'
  | 'type'
  | 'status'
  | 'created_at'
  | 'completed_at'
  | 'total_chunks'
  | 'completed_chunks'
  | 'total_rows'
  | 'successes'
  | 'duplicates'
  | 'failures'
  | 'result'
  | 'cancelled_at'
  | 'id_canceller'
  | 'reverted_at'
  | 'id_reverter'
  | 'id_initiator'
>;

/** One batch as its job body shows it: one indexed read, so thousands of pollers stay cheap. */
export async function findJob(db: Queryable, id: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM t_job_batch WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** A page of batches, newest first (everyone's, or one initiator's), and how many there are in all. */
export async function listJobs(
  db: Queryable,
  initiatorId: number | null,
  page: { limit: number; offset: number },
): Promise<{ items: JobRow[]; total: number }> {
  const where = 'WHERE $1::int IS NULL OR id_initiator = $1';
  const [items, count] = await Promise.all([
    db.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM t_job_batch ${where} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [initiatorId, page.limit, page.offset],
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM t_job_batch ${where}`, [initiatorId]),
  ]);
  return { items: items.rows, total: count.rows[0].total };
}

export async function findBatch(db: Queryable, id: string): Promise<BatchRow | null> {
  const { rows } = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM t_job_batch WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Adds a finished chunk's counts. The row lock it takes is held only to the chunk's commit. */
export async function addChunkCounts(db: Queryable, batchId: string, counts: OutcomeCounts): Promise<void> {
  await db.query(
    `UPDATE t_job_batch
        SET completed_chunks = completed_chunks + 1,
            successes = successes + $2, duplicates = duplicates + $3, failures = failures + $4,
            status = CASE WHEN status = 'pending' THEN 'active' ELSE status END
      WHERE id = $1
      RETURNING ${NOTIFY_CHANGED}`,
    [batchId, counts.successes, counts.duplicates, counts.failures],
  );
}

/**
 * The one atomic end-of-batch decision: moves the batch to `aggregating` only when every chunk is
 * done. Of concurrent callers exactly one gets `true`.
 */
export async function claimBatchForAggregation(db: Queryable, batchId: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE t_job_batch SET status = 'aggregating'
      WHERE id = $1 AND status IN ('pending', 'active') AND completed_chunks = total_chunks
      RETURNING id, ${NOTIFY_CHANGED}`,
    [batchId],
  );
  return rows.length === 1;
}

/**
 * Ends an aggregating batch with its final status and result; false when it had already ended. A
 * batch whose cancellation was asked for ends `cancelled` where it would have ended `completed`:
 * this statement and the cancellation's are serialised by the row lock, so exactly one of
 * `completed` and `cancelled` is ever recorded.
 */
export async function recordFinalStatus(
  db: Queryable,
  batchId: string,
  status: FinalStatus,
  result: BatchResult,
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE t_job_batch
        SET status = CASE WHEN $2 = 'completed' AND cancelled_at IS NOT NULL THEN 'cancelled' ELSE $2 END,
            result = $3::jsonb, completed_at = now()
      WHERE id = $1 AND status = 'aggregating'
      RETURNING id, ${NOTIFY_CHANGED}`,
    [batchId, status, JSON.stringify(result)],
  );
  return rows.length === 1;
}

/**
 * Records the cancellation of a batch whose rows are not all processed; null once they are (the
 * batch aggregates or has ended) or when it is not there. Asking again changes nothing: the first
 * request's time and author stay.
 */
export async function recordCancellation(
  db: Queryable,
  batchId: string,
  cancellerId: number,
): Promise<BatchRow | null> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE t_job_batch
        SET cancelled_at = coalesce(cancelled_at, now()), id_canceller = coalesce(id_canceller, $2)
      WHERE id = $1 AND status IN ('pending', 'active')
      RETURNING ${BATCH_COLUMNS}, ${NOTIFY_CHANGED}`,
    [batchId, cancellerId],
  );
  return rows[0] ?? null;
}

/** Whether a batch's cancellation was asked for: its chunks not started yet then import nothing. */
export async function isCancelled(db: Queryable, batchId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM t_job_batch WHERE id = $1 AND cancelled_at IS NOT NULL', [
    batchId,
  ]);
  return rows.length === 1;
}

/** Marks an ended batch reverted; null when it has not ended, was reverted already, or is not there. */
export async function recordRevert(
  db: Queryable,
  batchId: string,
  reverterId: number,
): Promise<BatchRow | null> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE t_job_batch SET reverted_at = now(), id_reverter = $2
      WHERE id = $1 AND status IN ('completed', 'failed', 'cancelled') AND reverted_at IS NULL
      RETURNING ${BATCH_COLUMNS}, ${NOTIFY_CHANGED}`,
    [batchId, reverterId],
  );
  return rows[0] ?? null;
}

/**
 * Sends a batch whose report step failed back to it (POST /jobs/:id/reports); null when the batch is
 * not `failed` with every row processed, or was reverted, or its staged rows were deleted. Its result goes until the reports make a new one, and the
 * initiator is emailed again once they exist.
 */
export async function reopenForReports(db: Queryable, batchId: string): Promise<BatchRow | null> {
  const { rows } = await db.query<BatchRow>(
    `UPDATE t_job_batch
        SET status = 'aggregating', completed_at = NULL, result = NULL,
            email_state = NULL, email_state_at = NULL, email_error = NULL
      WHERE id = $1 AND status = 'failed' AND completed_chunks = total_chunks
        AND successes + duplicates + failures = total_rows
        -- Reports of a reverted batch would list what no longer exists; past retention, its rows are gone.
        AND reverted_at IS NULL AND rows_deleted_at IS NULL
      RETURNING ${BATCH_COLUMNS}, ${NOTIFY_CHANGED}`,
    [batchId],
  );
  return rows[0] ?? null;
}

/**
 * Ended batches, ended more than `afterDays` days ago, whose staged rows still hold their data: not
 * yet claimed for deletion, or claimed by a run that stopped before deleting them all.
 */
export async function findBatchesPastRetention(
  db: Queryable,
  afterDays: number,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.completed_at IS NOT NULL AND b.completed_at < now() - make_interval(days => $1)
        AND (b.rows_deleted_at IS NULL
             OR EXISTS (SELECT 1 FROM t_job_batch_row r WHERE r.id_job_batch = b.id))
      ORDER BY b.completed_at LIMIT $2`,
    [afterDays, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Records, before any row is deleted, that a batch's staged rows are going: from then on nothing
 * rebuilds its reports from them (reopenForReports). False when the batch is no longer ended, or
 * ended again too recently (a rebuild reopened it since it was found).
 */
export async function claimRowsForDeletion(
  db: Queryable,
  batchId: string,
  afterDays: number,
): Promise<boolean> {
  // Still ended long enough ago: a rebuild may have reopened and ended it again since it was found.
  const { rows } = await db.query(
    `UPDATE t_job_batch SET rows_deleted_at = COALESCE(rows_deleted_at, now())
      WHERE id = $1 AND completed_at IS NOT NULL
        AND (rows_deleted_at IS NOT NULL OR completed_at < now() - make_interval(days => $2))
      RETURNING id`,
    [batchId, afterDays],
  );
  return rows.length === 1;
}
