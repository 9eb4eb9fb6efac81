import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanControlJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { requestedBatch } from '../../../lib/http/requestedBatch';
import { toJobStatus } from '../../../lib/http/views/jobStatus';
import { cancelBatch } from '../../../lib/pipeline/cancelBatch';

/**
 * POST /api/v1/jobs/:batchId/cancel (its initiator or an Administrator) → 202 with the job: chunks
 * not started import nothing, the batch ends `cancelled` with its reports. 409 once every row is
 * processed (the batch is writing its reports, or has ended).
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const { pool, storage } = serviceContext();
  const batch = await requestedBatch(pool, req.params.batchId);
  assertCanControlJob(req.user, batch);
  const cancelled = await cancelBatch(pool, batch.id, req.user.id);
  res.status(202).json(await toJobStatus(cancelled, storage));
});
