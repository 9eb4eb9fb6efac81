import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { isAdministrator } from '../../../lib/auth/groups';
import { MESSAGES, submitBatch } from '../../../lib/batches/submitBatch';
import { serviceContext } from '../../../lib/context';
import { action, HttpError } from '../../../lib/http/errors';

/** POST /api/v1/entrances/import-rows `{ data: [row, ...] }` → 202 with the batch id (SPEC 5). */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  if (!isAdministrator(req.user)) throw new HttpError(403, MESSAGES.notAdministrator);
  const { pool, boss, settings } = serviceContext();
  const accepted = await submitBatch(
    { pool, boss, chunkSize: settings.import.chunkSize, maxRows: settings.import.maxRows },
    req.user.id,
    req.body,
  );
  res.set('Location', accepted.statusUrl).status(202).json(accepted);
});
