import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanRevertJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { keepOpenWhileComputing } from '../../../lib/http/clientErrors';
import { action } from '../../../lib/http/errors';
import { requestedBatch } from '../../../lib/http/requestedBatch';
import { toJobStatus } from '../../../lib/http/views/jobStatus';
import { revertBatch } from '../../../lib/pipeline/revertBatch';

/**
 * POST /api/v1/jobs/:batchId/revert (Administrator) → 200 with the job, now showing revertedAt and
 * revertedBy. 409 before the batch has ended, or once it was reverted.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanRevertJob(req.user);
  const { pool, storage, settings } = serviceContext();
  const batch = await requestedBatch(pool, req.params.batchId);
  // One transaction over everything the batch created: minutes for a batch of a million rows.
  keepOpenWhileComputing(req, res, settings.idleTimeoutSeconds);
  const reverted = await revertBatch(pool, batch.id, req.user.id);
  res.status(200).json(await toJobStatus(reverted, storage));
});
