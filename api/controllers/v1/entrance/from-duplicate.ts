import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanCreateEntranceFromDuplicate } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { parseRecordId } from '../../../lib/http/requestInput';
import {
  createEntranceFromDuplicate,
  duplicateNotFoundMessage,
} from '../../../lib/pipeline/resolveDuplicates';

/**
 * POST /api/v1/entrances/from-duplicate/:id (Moderator or Administrator) → 204: creates the entrance
 * the duplicate describes, next to the existing one, and deletes the duplicate, in one transaction.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanCreateEntranceFromDuplicate(req.user);
  const id = parseRecordId(req.params.id);
  if (id === null) throw new NotFoundError(duplicateNotFoundMessage(req.params.id));
  const { pool, referenceData } = serviceContext();
  await createEntranceFromDuplicate({ pool, referenceData }, id);
  res.status(204).send(undefined);
});
