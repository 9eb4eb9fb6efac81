import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanViewJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { findJob } from '../../../lib/db/sql/batches';
import { action } from '../../../lib/http/errors';
import { JOB_NOT_FOUND_MESSAGE } from '../../../lib/http/requestedBatch';
import { isUuid } from '../../../lib/http/requestInput';
import { toJobStatus } from '../../../lib/http/views/jobStatus';

/** GET /api/v1/jobs/:batchId: one read of the batch row, so thousands of pollers stay cheap. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const { pool, storage } = serviceContext();
  const { batchId } = req.params;
  const batch = isUuid(batchId) ? await findJob(pool, batchId.toLowerCase()) : null;
  if (!batch) throw new NotFoundError(JOB_NOT_FOUND_MESSAGE);
  assertCanViewJob(req.user, batch);
  res.status(200).json(await toJobStatus(batch, storage));
});
