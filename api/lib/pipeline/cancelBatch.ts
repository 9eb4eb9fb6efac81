/**
 * Cancelling a batch (SPEC 13), in one transaction: the cancellation is recorded, the chunk jobs not
 * started yet are cancelled in the queue and their rows become failures saying so, so failures.csv
 * holds everything left to import. A chunk already running finishes (or rolls back whole and, on its
 * retry, finds the batch cancelled). The batch then aggregates as usual and ends `cancelled`.
 */
import type pg from 'pg';
import { ConflictError } from '../core/errors';
import { QUEUES } from '../core/types';
import { withTransaction } from '../db/pool';
import { addCancelledChunks, type BatchRow, findBatch, recordCancellation } from '../db/sql/batches';
import { failUnfinishedRows } from '../db/sql/batchRows';
import { CANCELLED_ROW_MESSAGE } from '../rows/outcomes';
import type { JobQueue } from './ports';

export interface CancelDependencies {
  pool: pg.Pool;
  queue: JobQueue;
}

/** The batch as cancelled; 409 when it has ended. The caller has checked that it exists and who asks. */
export async function cancelBatch(
  deps: CancelDependencies,
  batchId: string,
  cancellerId: number,
): Promise<BatchRow> {
  return withTransaction(deps.pool, async (client) => {
    const cancelled = await recordCancellation(client, batchId, cancellerId);
    if (!cancelled) {
      const ended = await findBatch(client, batchId);
      throw new ConflictError(
        `This import has ended (${ended?.status ?? 'unknown'}): it can no longer be cancelled.`,
      );
    }
    const waiting = await deps.queue.cancelWaiting(QUEUES.chunk, batchId, { db: client });
    if (!waiting.length) return cancelled;
    const chunks = waiting.map((job) => job.chunk);
    const failures = await failUnfinishedRows(client, batchId, chunks, CANCELLED_ROW_MESSAGE);
    await addCancelledChunks(client, batchId, chunks.length, failures);
    await deps.queue.send(QUEUES.completionCheck, { batchId: batchId }, { db: client });
    return {
      ...cancelled,
      completed_chunks: cancelled.completed_chunks + chunks.length,
      failures: cancelled.failures + failures,
    };
  });
}
