import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanMarkNotificationRead } from '../../../lib/auth/permissions';
import { NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { parseRecordId } from '../../../lib/http/requestInput';

/**
 * POST /api/v1/notifications/:id/read → 204. An unknown or malformed id is a 404, another caver's
 * notification a 403. Reading again keeps the first read time.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const id = parseRecordId(req.params.id);
  const notification = id === null ? undefined : await sails.models.tnotification.findOne({ id });
  if (id === null || !notification)
    throw new NotFoundError(`Notification with id ${req.params.id.slice(0, 40)} not found.`);
  assertCanMarkNotificationRead(req.user, { id_notified: Number(notification.id_notified) });
  // Only an unread notification changes.
  await sails.models.tnotification.updateOne({ id, date_read_at: null }).set({ date_read_at: new Date() });
  res.status(204).send(undefined);
});
