/** The batch a `/jobs/:batchId/...` request names, or the 404 every such route answers. */
import { NotFoundError } from '../core/errors';
import type { Queryable } from '../db/pool';
import { type BatchRow, findBatch } from '../db/sql/batches';
import { isUuid } from './requestInput';

export const JOB_NOT_FOUND_MESSAGE = 'Job batch not found.';

export async function requestedBatch(db: Queryable, batchId: unknown): Promise<BatchRow> {
  const batch = isUuid(batchId) ? await findBatch(db, batchId.toLowerCase()) : null;
  if (!batch) throw new NotFoundError(JOB_NOT_FOUND_MESSAGE);
  return batch;
}
