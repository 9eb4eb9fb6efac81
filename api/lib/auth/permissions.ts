/**
 * Who may do what, with the 403 message each refusal gives (Grottocenter's texts where it has them).
 * Each check throws ForbiddenError; the edge turns it into the 403.
 */
import { ForbiddenError } from '../core/errors';
import { isAdministrator, isModeratorOrAdministrator, type TokenPayload } from './groups';

type Caller = Pick<TokenPayload, 'id' | 'groups'>;

export function assertCanImport(caller: Caller): void {
  if (!isAdministrator(caller))
    throw new ForbiddenError('You are not authorized to import entrances via CSV.');
}

/** A batch is visible to its initiator, moderators and administrators. */
export function assertCanViewJob(caller: Caller, batch: { id_initiator: number }): void {
  if (batch.id_initiator !== caller.id && !isModeratorOrAdministrator(caller)) {
    throw new ForbiddenError('You are not authorized to view this job.');
  }
}

export function assertCanViewAllJobs(caller: Caller): void {
  if (!isModeratorOrAdministrator(caller))
    throw new ForbiddenError('You are not authorized to view all jobs.');
}
