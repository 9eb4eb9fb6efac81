import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanViewJob } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { isUuid } from '../../../lib/http/requestInput';
import { toJobStatus } from '../../../lib/http/views/jobStatus';

/** GET /api/v1/jobs/:batchId: one read of the batch row, so thousands of pollers stay cheap. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const { batchId } = req.params;
  const batch = isUuid(batchId)
    ? await sails.models.tjobbatch.findOne({ id: batchId.toLowerCase() })
    : undefined;
  if (!batch) throw new NotFoundError('Job batch not found.');
  assertCanViewJob(req.user, batch);
  res.status(200).json(await toJobStatus(batch, serviceContext().storage));
});
