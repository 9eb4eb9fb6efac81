/**
 * Step 3, the end-of-batch decision, run after every chunk: one conditional UPDATE moves the batch to
 * `aggregating` when every chunk is done, and only the caller that made that move enqueues the
 * aggregation, in the same transaction. However many checks race, one aggregation follows.
 */
import { QUEUES } from '../core/types';
import type { Queryable } from '../db/pool';
import { claimBatchForAggregation } from '../db/sql/batches';
import type { JobQueue } from './ports';

export async function checkCompletion(
  deps: { db: Queryable; queue: JobQueue },
  batchId: string,
): Promise<{ batchId: string; claimed: boolean }> {
  const claimed = await claimBatchForAggregation(deps.db, batchId);
  if (claimed) await deps.queue.send(QUEUES.aggregate, { batchId }, { db: deps.db });
  return { batchId, claimed };
}
