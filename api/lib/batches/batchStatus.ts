/**
 * Glossary
 * - batch: one import request (t_job_batch); its rows are staged in t_job_batch_row.
 * - chunk: the rows of a batch one job imports; rows sharing an import key share a chunk.
 * - completion check: a job run after each chunk that moves a finished batch to `aggregating`.
 * - aggregation: the job that writes the reports, then completes the batch and notifies.
 */
export const BATCH_STATUSES = Object.freeze({
  pending: 'pending',
  active: 'active',
  aggregating: 'aggregating',
  completed: 'completed',
  failed: 'failed',
} as const);

export type BatchStatus = (typeof BATCH_STATUSES)[keyof typeof BATCH_STATUSES];
