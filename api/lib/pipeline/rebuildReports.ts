/**
 * Rebuilding the reports of a batch whose report step failed (POST /jobs/:id/reports, SPEC 13): once
 * the storage is fixed, the batch goes back to `aggregating` and its aggregation job runs again,
 * writing the reports from the outcomes, which were all kept; it then ends as it would have.
 */
import type pg from 'pg';
import { ConflictError } from '../core/errors';
import { QUEUES } from '../core/types';
import { withTransaction } from '../db/pool';
import { type BatchRow, findBatch, reopenForReports } from '../db/sql/batches';
import type { JobQueue } from './ports';

export async function rebuildReports(
  deps: { pool: pg.Pool; queue: JobQueue },
  batchId: string,
): Promise<BatchRow> {
  return withTransaction(deps.pool, async (client) => {
    const batch = await reopenForReports(client, batchId);
    if (!batch) throw new ConflictError(notRebuildableMessage(await findBatch(client, batchId)));
    await deps.queue.send(QUEUES.aggregate, { batchId }, { db: client, singletonKey: batchId });
    return batch;
  });
}

function notRebuildableMessage(batch: BatchRow | null): string {
  if (batch?.status === 'failed' && batch.reverted_at) {
    return `This import was reverted on ${new Date(batch.reverted_at).toISOString()}: its reports cannot be rebuilt.`;
  }
  if (batch?.status === 'failed' && batch.rows_deleted_at) {
    return 'The rows of this import were deleted after the retention period: its reports cannot be rebuilt.';
  }
  return `Only an import whose reports could not be written can have them rebuilt; this one is ${batch?.status ?? 'unknown'}.`;
}
