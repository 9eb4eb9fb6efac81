/**
 * The end of a batch: reports, then, in one transaction, the final status, the IMPORT_COMPLETE
 * notification and the email job. Every step is idempotent, so the queue may run it again after a
 * crash: a batch that has already ended is left alone, and the database keeps the notification single.
 */
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { type Queryable, toExecuteSql, withTransaction } from '../db/pool';
import type { OutcomeCounts } from '../import/outcomes';
import type { Logger } from '../log';
import { insertImportCompleteNotification } from '../notifications/notificationRepository';
import { type BatchJob, QUEUES } from '../queue/queues';
import { writeReports } from '../reports/csvReports';
import type { ReportStorage } from '../storage';
import { type BatchResult, type BatchRow, findBatch, finishBatch } from './batchRepository';
import { BATCH_STATUSES } from './batchStatus';

export interface FinishDependencies {
  pool: pg.Pool;
  boss: PgBoss;
  storage: ReportStorage;
  log: Logger;
}

/** The outcome counts as the staged rows record them: the summary's source of truth. */
export async function summariseOutcomes(
  db: Queryable,
  batchId: string,
): Promise<OutcomeCounts & { pending: number }> {
  const { rows } = await db.query<OutcomeCounts & { pending: number }>(
    `SELECT count(*) FILTER (WHERE outcome = 'success')::int AS successes,
            count(*) FILTER (WHERE outcome = 'duplicate')::int AS duplicates,
            count(*) FILTER (WHERE outcome = 'failure')::int AS failures,
            count(*) FILTER (WHERE outcome IS NULL)::int AS pending
       FROM t_job_batch_row WHERE id_job_batch = $1`,
    [batchId],
  );
  return rows[0];
}

async function aggregatingBatch(db: Queryable, batchId: string): Promise<BatchRow | null> {
  const batch = await findBatch(db, batchId);
  return batch?.status === BATCH_STATUSES.aggregating ? batch : null;
}

/** Writes the reports and completes the batch. Throws (to be retried) when storage fails. */
export async function aggregateBatch(deps: FinishDependencies, batchId: string): Promise<BatchResult | null> {
  const batch = await aggregatingBatch(deps.pool, batchId);
  if (!batch) return null;
  const { pending, ...summary } = await summariseOutcomes(deps.pool, batchId);
  if (pending > 0) throw new Error(`${pending} rows of batch ${batchId} have no outcome`);
  const reportUrls = await writeReports(deps.pool, deps.storage, batch, summary);
  const result = { reportUrls, summary };
  await finish(deps, batch, BATCH_STATUSES.completed, result);
  return result;
}

/** When the reports cannot be written: the batch fails with a message a person can act on. */
export async function failBatchAggregation(
  deps: FinishDependencies,
  batchId: string,
  attempts: number,
  cause: string,
): Promise<BatchResult | null> {
  const batch = await aggregatingBatch(deps.pool, batchId);
  if (!batch) return null;
  const { pending: _pending, ...summary } = await summariseOutcomes(deps.pool, batchId);
  const result: BatchResult = {
    reportUrls: { success: null, duplicates: null, failures: null },
    summary,
    error:
      `The rows were processed (${summary.successes} imported, ${summary.duplicates} duplicates, ` +
      `${summary.failures} failed), but the reports could not be stored after ${attempts} attempts: ${cause}. ` +
      `Check the report storage (${deps.storage.description}) and its credentials, then contact an administrator.`,
  };
  await finish(deps, batch, BATCH_STATUSES.failed, result);
  return result;
}

async function finish(
  deps: FinishDependencies,
  batch: BatchRow,
  status: 'completed' | 'failed',
  result: BatchResult,
): Promise<void> {
  const ended = await withTransaction(deps.pool, async (client) => {
    if (!(await finishBatch(client, batch.id, status, result))) return false;
    await insertImportCompleteNotification(client, batch.id, batch.id_initiator);
    await deps.boss.send(QUEUES.email, { batchId: batch.id } satisfies BatchJob, {
      db: toExecuteSql(client),
      singletonKey: batch.id,
    });
    return true;
  });
  if (ended) deps.log.info(`Batch ${status}`, { batch: batch.id, ...result.summary });
}
