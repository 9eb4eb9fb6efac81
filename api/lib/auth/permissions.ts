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

/** Cancelling a batch, or rebuilding its reports: its initiator and administrators. */
export function assertCanControlJob(caller: Caller, batch: { id_initiator: number }): void {
  if (batch.id_initiator !== caller.id && !isAdministrator(caller)) {
    throw new ForbiddenError('You are not authorized to control this job.');
  }
}

/** Reverting a batch deletes what it created: administrators only, whoever started it. */
export function assertCanRevertJob(caller: Caller): void {
  if (!isAdministrator(caller)) throw new ForbiddenError('You are not authorized to revert an import.');
}

export function assertCanViewAllJobs(caller: Caller): void {
  if (!isModeratorOrAdministrator(caller))
    throw new ForbiddenError('You are not authorized to view all jobs.');
}

/** Deleting entrance duplicates is for moderators and administrators (Grottocenter's text). */
export function assertCanDeleteEntranceDuplicates(caller: Caller): void {
  if (!isModeratorOrAdministrator(caller))
    throw new ForbiddenError('You are not authorized to delete an entrance duplicate.');
}

/** So is creating an entrance from a duplicate (Grottocenter's text, which says "create a duplicate"). */
export function assertCanCreateEntranceFromDuplicate(caller: Caller): void {
  if (!isModeratorOrAdministrator(caller))
    throw new ForbiddenError('You are not authorized to create an entrance duplicate.');
}

/** A notification is marked read only by the caver it was sent to (Grottocenter's text). */
export function assertCanMarkNotificationRead(caller: Caller, notification: { id_notified: number }): void {
  if (notification.id_notified !== caller.id) {
    throw new ForbiddenError("You can not mark as read a notification which doesn't belong to you.");
  }
}

/** Several notifications: all of them must be the caller's, or none is marked (Grottocenter's text). */
export function assertCanMarkNotificationsRead(
  caller: Caller,
  notifications: readonly { id_notified: number }[],
): void {
  if (notifications.some((notification) => notification.id_notified !== caller.id)) {
    throw new ForbiddenError('You cannot mark as read notifications that do not belong to you.');
  }
}
