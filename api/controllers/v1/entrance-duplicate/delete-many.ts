import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanDeleteEntranceDuplicates } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { InvalidInputError, NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { parseRecordId, queryParamValues } from '../../../lib/http/requestInput';
import { deleteDuplicates, duplicateNotFoundMessage } from '../../../lib/pipeline/resolveDuplicates';

/** Ids one request may delete (a page of the list is 50). */
const MAX_DELETED_DUPLICATES = 1000;

/**
 * DELETE /api/v1/entrance-duplicates?id=1&id=2 (Moderator or Administrator) → 204, all or nothing:
 * an unknown or malformed id is a 404 and deletes none of them.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanDeleteEntranceDuplicates(req.user);
  // Repeats counted once, as the list of notifications to mark read does.
  const raw = [...new Set(queryParamValues(req.url, 'id'))];
  if (!raw.length) throw new InvalidInputError('You must provide the id of the duplicates.');
  if (raw.length > MAX_DELETED_DUPLICATES) {
    throw new InvalidInputError(`At most ${MAX_DELETED_DUPLICATES} duplicates can be deleted at once.`);
  }
  const ids: number[] = [];
  for (const value of raw) {
    const id = parseRecordId(value);
    if (id === null) throw new NotFoundError(duplicateNotFoundMessage(value));
    ids.push(id);
  }
  await deleteDuplicates(serviceContext().pool, [...new Set(ids)]);
  res.status(204).send(undefined);
});
