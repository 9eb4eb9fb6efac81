import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { isModeratorOrAdministrator } from '../../../lib/auth/groups';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { findDuplicatedEntrance, findEntranceDuplicate } from '../../../lib/db/sql/entranceDuplicates';
import { action } from '../../../lib/http/errors';
import { parseRecordId } from '../../../lib/http/requestInput';
import { toEntranceDuplicateDetail } from '../../../lib/http/views/entranceDuplicate';
import { duplicateNotFoundMessage } from '../../../lib/pipeline/resolveDuplicates';

/** GET /api/v1/entrance-duplicates/:id (any signed-in user): one duplicate with the entrance it matched. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const id = parseRecordId(req.params.id);
  const { pool } = serviceContext();
  const duplicate = id === null ? null : await findEntranceDuplicate(pool, id);
  // The existing entrance is never deleted from the table (only flagged), so it is there.
  const entrance = duplicate && (await findDuplicatedEntrance(pool, duplicate.id_entrance));
  if (!duplicate || !entrance) throw new NotFoundError(duplicateNotFoundMessage(req.params.id));
  res.status(200).json(toEntranceDuplicateDetail(duplicate, entrance, isModeratorOrAdministrator(req.user)));
});
