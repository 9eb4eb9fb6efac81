import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanImport } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { jobStatusPath } from '../../../lib/http/paths';
import { readImportRows } from '../../../lib/http/requestInput';
import { submitBatch } from '../../../lib/pipeline/submitBatch';

/** POST /api/v1/entrances/import-rows `{ data: [row, ...] }` → 202 with the batch id (SPEC 5). */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanImport(req.user);
  const rows = readImportRows(req.body);
  const { pool, queue, settings } = serviceContext();
  const { chunkSize } = settings.import;
  const accepted = await submitBatch({ pool, queue, chunkSize, limits: settings.import }, req.user.id, rows);
  const statusUrl = jobStatusPath(accepted.batchId);
  res
    .set('Location', statusUrl)
    .status(202)
    .json({ ...accepted, statusUrl });
});
