import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanImport } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { sendJsonLists } from '../../../lib/http/jsonLists';
import { readImportRows } from '../../../lib/http/requestInput';
import { checkRows } from '../../../lib/pipeline/checkRows';

/** POST /api/v1/entrances/check-rows `{ data: [row, ...] }` → 200, the rows classified as an import would (SPEC 12.1). */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanImport(req.user);
  const rows = readImportRows(req.body);
  const { pool, referenceData, settings } = serviceContext();
  const result = await checkRows({ db: pool, referenceData, limits: settings.import }, rows);
  await sendJsonLists(res, 200, { ...result });
});
