import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import {
  DUPLICATE_SORT_COLUMNS,
  type DuplicateSortKey,
  listEntranceDuplicates,
} from '../../../lib/db/sql/entranceDuplicates';
import { action } from '../../../lib/http/errors';
import { sendPage } from '../../../lib/http/pagination';
import { parseListQuery, parseUuidParam } from '../../../lib/http/requestInput';
import { toEntranceDuplicateView } from '../../../lib/http/views/entranceDuplicate';

const SORTABLE = Object.keys(DUPLICATE_SORT_COLUMNS) as DuplicateSortKey[];

/**
 * GET /api/v1/entrance-duplicates?limit&skip&sortBy&orderBy&batchId (any signed-in user): a page of
 * duplicates, oldest first by default as in Grottocenter; 206 + Content-Range when more exist.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const list = parseListQuery(req.query, {
    sortable: SORTABLE,
    defaultSort: 'dateInscription',
    defaultOrder: 'ASC',
  });
  const batchId = parseUuidParam(req.query.batchId, 'batchId');
  const { rows, total } = await listEntranceDuplicates(serviceContext().pool, { ...list, batchId });
  sendPage(
    res,
    { duplicates: rows.map(toEntranceDuplicateView) },
    { skip: list.skip, count: rows.length, total },
  );
});
