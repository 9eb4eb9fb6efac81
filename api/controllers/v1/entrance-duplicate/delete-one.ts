import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanDeleteEntranceDuplicates } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { parseRecordId } from '../../../lib/http/requestInput';
import { deleteDuplicates, duplicateNotFoundMessage } from '../../../lib/pipeline/resolveDuplicates';

/** DELETE /api/v1/entrance-duplicates/:id (Moderator or Administrator) → 204; 404 for an unknown id. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  assertCanDeleteEntranceDuplicates(req.user);
  const id = parseRecordId(req.params.id);
  if (id === null) throw new NotFoundError(duplicateNotFoundMessage(req.params.id));
  await deleteDuplicates(serviceContext().pool, [id]);
  res.status(204).send(undefined);
});
