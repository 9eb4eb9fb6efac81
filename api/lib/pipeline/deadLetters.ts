/**
 * Step 5, the dead letters: what ends the work of a job that exhausted its retries, so a batch
 * still ends and adds up. A chunk's unfinished rows become failures; reports that could not be
 * written end the batch `failed`, its initiator still told.
 */
import { type DeadChunkRef, QUEUES } from '../core/types';
import type { Queryable } from '../db/pool';
import { addChunkCounts } from '../db/sql/batches';
import { countRowOutcomes, failUnfinishedRows } from '../db/sql/batchOutcomes';
import { chunkFailedMessage } from '../rows/outcomes';
import type { ReportStorage } from '../storage';
import { type EndDependencies, endBatch, findAggregatingBatch } from './endBatch';
import type { JobQueue } from './ports';

/** The failed job as pg-boss hands it to its dead letter: how often it ran, and its last error. */
export interface GiveUp {
  attempts: number;
  error: string;
}

/** Turns a given-up chunk's unfinished rows into failures, counted, and lets the batch move on. */
export async function failDeadChunk(
  deps: { db: Queryable; queue: JobQueue },
  chunk: DeadChunkRef,
  giveUp: GiveUp,
): Promise<{ message: string; failures: number }> {
  const message = chunk.reason
    ? `Chunk failed: ${chunk.reason}`
    : chunkFailedMessage(giveUp.attempts, giveUp.error);
  const failures = await failUnfinishedRows(deps.db, chunk.batchId, chunk.chunk, message);
  // A chunk whose rows all have outcomes after all was counted by its own job; only the check is owed.
  if (failures > 0) await addChunkCounts(deps.db, chunk.batchId, { successes: 0, duplicates: 0, failures });
  await deps.queue.send(QUEUES.completionCheck, { batchId: chunk.batchId }, { db: deps.db });
  return { message, failures };
}

/** Reports that could not be written after every retry: the batch fails with a message a person can act on. */
export async function failDeadAggregation(
  deps: EndDependencies & { storage: ReportStorage },
  batchId: string,
  giveUp: GiveUp,
): Promise<boolean> {
  const batch = await findAggregatingBatch(deps.pool, batchId);
  if (!batch) return false;
  const { pending: _pending, ...summary } = await countRowOutcomes(deps.pool, batchId);
  await endBatch(deps, batch, 'failed', {
    reportUrls: { success: null, duplicates: null, failures: null },
    summary,
    error:
      `The rows were processed (${summary.successes} imported, ${summary.duplicates} duplicates, ` +
      `${summary.failures} failed), but the reports could not be stored after ${giveUp.attempts} attempts: ` +
      `${giveUp.error}. Check the report storage (${deps.storage.description}) and its credentials, then contact an administrator.`,
  });
  return true;
}
