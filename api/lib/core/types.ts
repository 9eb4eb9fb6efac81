/**
 * The import pipeline's vocabulary: its states, the jobs that move a batch along, and the shapes every
 * layer hands on. Everything here is data; no module of this folder does I/O.
 *
 * Glossary
 * - batch: one import request (t_job_batch); its rows are staged in t_job_batch_row, keyed by line.
 * - line: a row's place in the CSV file; the row at index i of the request is line i + 2 (line 1 is
 *   the header).
 * - import key: `id` + attribution name; at most one live entrance holds a key.
 * - chunk: the rows of a batch that one job imports; rows sharing an import key share a chunk.
 * - outcome: what became of a row, exactly one of success, duplicate or failure (SPEC 6).
 * - completion check: a job run after each chunk; it moves a finished batch to `aggregating`.
 * - aggregation: the job that writes the reports, then ends the batch and notifies its initiator.
 * - dead letter: the job pg-boss enqueues when another has exhausted its retries; it ends what
 *   that job could not finish, so nothing waits for ever.
 * - heartbeat: a running job's proof of life; a job whose heartbeat stops (its process died, its
 *   connection went with the database) is failed back to its queue within a minute.
 * - retention: how long an ended batch's staged row data is kept (its batch, summary and reports stay).
 */

/**
 * A batch's life: pending → active → aggregating → completed | failed | cancelled (t_job_batch.status).
 * A batch whose cancellation was asked for (cancelled_at) still aggregates, and ends `cancelled`.
 */
export const BATCH_STATUSES = Object.freeze({
  pending: 'pending',
  active: 'active',
  aggregating: 'aggregating',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
} as const);

export type BatchStatus = (typeof BATCH_STATUSES)[keyof typeof BATCH_STATUSES];
export type FinalStatus =
  | typeof BATCH_STATUSES.completed
  | typeof BATCH_STATUSES.failed
  | typeof BATCH_STATUSES.cancelled;

export const FINAL_STATUSES: readonly FinalStatus[] = Object.freeze(['completed', 'failed', 'cancelled']);

export function isFinalStatus(status: BatchStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly BatchStatus[]).includes(status);
}

/** What became of one row (t_job_batch_row.outcome). */
export const OUTCOMES = Object.freeze({
  success: 'success',
  duplicate: 'duplicate',
  failure: 'failure',
} as const);

export type OutcomeKind = (typeof OUTCOMES)[keyof typeof OUTCOMES];

export type RowOutcome =
  | { line: number; outcome: 'success'; caveId: number; entranceId: number }
  | { line: number; outcome: 'duplicate'; entranceId: number; message: string }
  | { line: number; outcome: 'failure'; message: string };

export interface OutcomeCounts {
  successes: number;
  duplicates: number;
  failures: number;
}

/** The three reports of a batch, named as their files and their keys in `result.reportUrls`. */
export const REPORT_KINDS = Object.freeze(['success', 'duplicates', 'failures'] as const);
export type ReportKind = (typeof REPORT_KINDS)[number];
export type ReportUrls = Record<ReportKind, string | null>;

/** t_job_batch.result of an ended batch. */
export interface BatchResult {
  /**
   * Stored: each written report's blob name (null: none). Answered and emailed: links to them,
   * signed at that moment (reports/csvReports.ts, signedReportUrls).
   */
  reportUrls: ReportUrls;
  summary: OutcomeCounts;
  /** Why a failed batch failed, for a person to act on. */
  error?: string;
}

/** The pg-boss queues of the pipeline, one per step. */
export const QUEUES = Object.freeze({
  chunk: 'csv-import-chunk',
  chunkDead: 'csv-import-chunk-dead',
  completionCheck: 'csv-import-completion-check',
  aggregate: 'csv-import-aggregate',
  aggregateDead: 'csv-import-aggregate-dead',
  email: 'csv-import-email',
  emailDead: 'csv-import-email-dead',
  recovery: 'csv-import-recovery',
  housekeeping: 'csv-import-housekeeping',
} as const);

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A chunk job: which rows to import, and for whom. Only references travel; the rows are staged. */
export interface ChunkRef {
  batchId: string;
  chunk: number;
  initiatorId: number;
}

/** A chunk given up on: by its retries (pg-boss's dead letter), or found jobless by the recovery sweep. */
export interface DeadChunkRef extends ChunkRef {
  reason?: string;
}

export interface BatchRef {
  batchId: string;
}

/** The data each queue's jobs carry. */
export interface JobData {
  [QUEUES.chunk]: ChunkRef;
  [QUEUES.chunkDead]: DeadChunkRef;
  [QUEUES.completionCheck]: BatchRef;
  [QUEUES.aggregate]: BatchRef;
  [QUEUES.aggregateDead]: BatchRef;
  [QUEUES.email]: BatchRef;
  [QUEUES.emailDead]: BatchRef;
  [QUEUES.recovery]: Record<string, never>;
  [QUEUES.housekeeping]: Record<string, never>;
}
