import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { action, HttpError } from '../../../lib/http/errors';
import { toNotificationView } from '../../../lib/notifications/notificationView';

/** PATCH /api/v1/notifications/:id `{ read: boolean }`: only the caller's own; others' are 404. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new HttpError(400, 'Notification id must be a positive integer.');
  const { read } = (req.body ?? {}) as { read?: unknown };
  if (typeof read !== 'boolean')
    throw new HttpError(400, 'Request body must be { "read": true } or { "read": false }.');

  const criteria = { id, id_notified: req.user.id };
  const current = await sails.models.tnotification.findOne(criteria);
  if (!current) throw new HttpError(404, 'Notification not found.');
  // Reading again keeps the first read time.
  const readAt = read ? (current.date_read_at ?? new Date()) : null;
  const updated = await sails.models.tnotification.updateOne(criteria).set({ date_read_at: readAt });
  if (!updated) throw new HttpError(404, 'Notification not found.');
  res.status(200).json(toNotificationView(updated));
});
