import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanImport } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { action } from '../../../lib/http/errors';
import { readRequestRows } from '../../../lib/http/importBody';
import { sendJsonLists } from '../../../lib/http/jsonLists';
import { parseBooleanParam } from '../../../lib/http/requestInput';
import { checkRows, summariseCheck } from '../../../lib/pipeline/checkRows';

/**
 * POST /api/v1/entrances/check-rows `{ data: [row, ...] }` or a CSV file → 200, the rows classified as
 * an import would (SPEC 12.1). `?summary=true` answers the counts and the first failures instead of
 * echoing every row: what a page checking a file of a million rows needs.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanImport(req.user);
  const { pool, referenceData, settings } = serviceContext();
  const rows = readRequestRows(req, settings.import);
  const deps = { db: pool, referenceData, limits: settings.import };
  if (parseBooleanParam(req.query.summary, 'summary')) {
    res.status(200).json(await summariseCheck(deps, rows));
    return;
  }
  await sendJsonLists(res, 200, { ...(await checkRows(deps, rows)) });
});
