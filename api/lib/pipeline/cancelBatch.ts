/**
 * Cancelling a batch (SPEC 13): one statement records the cancellation on the batch row. Each chunk
 * job that starts afterwards finds it (importChunk, under the chunk's own lock) and, instead of
 * importing, turns its rows into failures saying so, so failures.csv holds everything left to import.
 * A chunk already running finishes (or rolls back whole and, on its retry, finds the batch
 * cancelled). The batch then aggregates as usual and ends `cancelled`.
 *
 * Nothing else is locked or written here: rows are failed by their chunk's job alone, serialised
 * with any other attempt of that chunk, so a cancellation never waits on a running chunk nor
 * holds the batch row while a million rows are written.
 */
import { ConflictError } from '../core/errors';
import type { Queryable } from '../db/pool';
import { type BatchRow, findBatch, recordCancellation } from '../db/sql/batches';

/** The batch as cancelled; 409 once every row is processed. The caller has checked who asks. */
export async function cancelBatch(db: Queryable, batchId: string, cancellerId: number): Promise<BatchRow> {
  const cancelled = await recordCancellation(db, batchId, cancellerId);
  if (cancelled) return cancelled;
  const batch = await findBatch(db, batchId);
  throw new ConflictError(
    batch?.status === 'aggregating'
      ? 'This import has processed every row and is writing its reports: it can no longer be cancelled.'
      : `This import has ended (${batch?.status ?? 'unknown'}): it can no longer be cancelled.`,
  );
}
