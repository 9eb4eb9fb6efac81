/**
 * Step 6, the safety net behind SPEC 11 ("never leaves a batch stuck in a non-final status"). The
 * pipeline normally moves every batch to its end by itself; this sweep, run every minute, finds
 * batches whose next step lost its job (a queue whose retries and dead letters all failed, a job
 * deleted by hand) and enqueues that step again. Every step it enqueues is idempotent, so a false
 * alarm costs nothing.
 */
import { QUEUES } from '../core/types';
import type { Queryable } from '../db/pool';
import {
  findBatchesMissingAggregation,
  findBatchesMissingCompletionCheck,
  findBatchesMissingEmail,
  findJoblessChunks,
} from '../db/sql/queueJobs';
import type { JobQueue } from './ports';
import { EMAIL_CLAIM_STALE_SECONDS } from './sendCompletionEmail';

export interface RecoveryCounts {
  completionChecks: number;
  lostChunks: number;
  aggregations: number;
  emails: number;
}

export interface RecoveryDependencies {
  db: Queryable;
  queue: JobQueue;
  /** The schema of the queue's tables. */
  queueSchema: string;
  /** A batch younger than this is left to the pipeline: its jobs may simply not have run yet. */
  graceSeconds: number;
}

export async function recoverStalledBatches(deps: RecoveryDependencies): Promise<RecoveryCounts> {
  const { db, queue, queueSchema, graceSeconds } = deps;

  const finished = await findBatchesMissingCompletionCheck(db, queueSchema, graceSeconds);
  for (const batchId of finished) await queue.send(QUEUES.completionCheck, { batchId });

  // Their rows become failures through the dead-letter step, which then lets the batch move on.
  const lost = await findJoblessChunks(db, queueSchema, graceSeconds);
  for (const chunk of lost)
    await queue.send(QUEUES.chunkDead, { ...chunk, reason: 'its import job was lost' });

  const stuck = await findBatchesMissingAggregation(db, queueSchema, graceSeconds);
  for (const batchId of stuck) await queue.send(QUEUES.aggregate, { batchId });

  // An email whose retries all failed (a day-long SMTP outage) starts over: delayed, never lost.
  const unsent = await findBatchesMissingEmail(db, queueSchema, graceSeconds, EMAIL_CLAIM_STALE_SECONDS);
  for (const batchId of unsent) await queue.send(QUEUES.email, { batchId }, { singletonKey: batchId });

  return {
    completionChecks: finished.length,
    lostChunks: lost.length,
    aggregations: stuck.length,
    emails: unsent.length,
  };
}
