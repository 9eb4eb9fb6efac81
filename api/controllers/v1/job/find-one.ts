import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { isModeratorOrAdministrator } from '../../../lib/auth/groups';
import { toJobStatus } from '../../../lib/batches/batchPresenter';
import { action, HttpError } from '../../../lib/http/errors';
import { isUuid } from '../../../lib/http/requestInput';

/** GET /api/v1/jobs/:batchId: one read of the batch row, so thousands of pollers stay cheap. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const { batchId } = req.params;
  const batch = isUuid(batchId)
    ? await sails.models.tjobbatch.findOne({ id: batchId.toLowerCase() })
    : undefined;
  if (!batch) throw new HttpError(404, 'Job batch not found.');
  if (batch.id_initiator !== req.user.id && !isModeratorOrAdministrator(req.user)) {
    throw new HttpError(403, 'You are not authorized to view this job.');
  }
  res.status(200).json(toJobStatus(batch));
});
