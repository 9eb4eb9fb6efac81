import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanControlJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { requestedBatch } from '../../../lib/http/requestedBatch';
import { toJobStatus } from '../../../lib/http/views/jobStatus';
import { rebuildReports } from '../../../lib/pipeline/rebuildReports';

/**
 * POST /api/v1/jobs/:batchId/reports (its initiator or an Administrator) → 202 with the job, back to
 * `aggregating`: the reports of a batch whose report step failed are written again, and it ends as it
 * would have. 409 for any other batch.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const { pool, queue, storage } = serviceContext();
  const batch = await requestedBatch(pool, req.params.batchId);
  assertCanControlJob(req.user, batch);
  const reopened = await rebuildReports({ pool, queue }, batch.id);
  res.status(202).json(await toJobStatus(reopened, storage));
});
