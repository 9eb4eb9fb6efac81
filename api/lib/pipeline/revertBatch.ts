/**
 * Reverting an ended batch (SPEC 13), in one transaction: the batch is marked reverted (who, when),
 * everything it created is soft-deleted and the duplicates it recorded are deleted. A concurrent
 * import of the same keys is safe either way: the import key's unique index covers live entrances
 * only, so its insert waits for this transaction and then finds the key free (or, rolled back, taken).
 */
import type pg from 'pg';
import { ConflictError } from '../core/errors';
import { createLogger } from '../core/log';
import { withTransaction } from '../db/pool';
import { type BatchRow, findBatch, recordRevert } from '../db/sql/batches';
import { softDeleteBatchCreations } from '../db/sql/entranceChanges';

const log = createLogger('import');

/** The batch as reverted; 409 when it has not ended or was reverted already. */
export async function revertBatch(pool: pg.Pool, batchId: string, reverterId: number): Promise<BatchRow> {
  const { batch, reverted } = await withTransaction(pool, async (client) => {
    const batch = await recordRevert(client, batchId, reverterId);
    if (!batch) throw new ConflictError(await notRevertibleMessage(client, batchId));
    return { batch, reverted: await softDeleteBatchCreations(client, batchId) };
  });
  log.info('Batch reverted', { batch: batchId, reverter: reverterId, ...reverted });
  return batch;
}

async function notRevertibleMessage(db: pg.PoolClient, batchId: string): Promise<string> {
  const batch = await findBatch(db, batchId);
  if (batch?.reverted_at) {
    return `This import was already reverted on ${new Date(batch.reverted_at).toISOString()}.`;
  }
  return `This import has not ended yet (${batch?.status ?? 'unknown'}): it can be reverted once it has.`;
}
