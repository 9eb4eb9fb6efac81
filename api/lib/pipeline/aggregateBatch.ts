/**
 * Step 4, the aggregation: writes the three reports of a batch whose chunks are all done, then ends
 * it `completed`. A storage failure throws, and the queue retries; the dead letter ends it `failed`.
 */
import type pg from 'pg';
import type { Logger } from '../core/log';
import type { BatchResult } from '../core/types';
import { countRowOutcomes } from '../db/sql/batchOutcomes';
import { writeReports } from '../reports/csvReports';
import type { ReportStorage } from '../storage';
import { endBatch, findAggregatingBatch } from './endBatch';
import type { JobQueue } from './ports';

export interface AggregateDependencies {
  pool: pg.Pool;
  queue: JobQueue;
  storage: ReportStorage;
  log: Logger;
}

/** The batch's result, or null when there was nothing to aggregate (it had ended already). */
export async function aggregateBatch(
  deps: AggregateDependencies,
  batchId: string,
): Promise<BatchResult | null> {
  const batch = await findAggregatingBatch(deps.pool, batchId);
  if (!batch) return null;
  const { pending, ...summary } = await countRowOutcomes(deps.pool, batchId);
  if (pending > 0) throw new Error(`${pending} rows of batch ${batchId} have no outcome`);
  const reportUrls = await writeReports(deps.pool, deps.storage, batch, summary);
  const result = { reportUrls, summary };
  await endBatch(deps, batch, 'completed', result);
  return result;
}
