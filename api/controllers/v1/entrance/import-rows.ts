import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanImport } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { readRequestRows } from '../../../lib/http/importBody';
import { jobStatusPath } from '../../../lib/http/paths';
import { submitBatch } from '../../../lib/pipeline/submitBatch';

/** POST /api/v1/entrances/import-rows `{ data: [row, ...] }` or a CSV file → 202 with the batch id (SPEC 5, 15). */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanImport(req.user);
  const { pool, queue, settings } = serviceContext();
  const rows = readRequestRows(req, settings.import.maxBodyBytes);
  const { chunkSize } = settings.import;
  const accepted = await submitBatch({ pool, queue, chunkSize, limits: settings.import }, req.user.id, rows);
  const statusUrl = jobStatusPath(accepted.batchId);
  res
    .set('Location', statusUrl)
    .status(202)
    .json({ ...accepted, statusUrl });
});
