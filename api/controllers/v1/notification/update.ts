import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { InvalidInputError, NotFoundError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { toNotificationView } from '../../../lib/http/views/notification';

/** PATCH /api/v1/notifications/:id `{ read: boolean }`: only the caller's own; others' are 404. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new InvalidInputError('Notification id must be a positive integer.');
  const { read } = (req.body ?? {}) as { read?: unknown };
  if (typeof read !== 'boolean')
    throw new InvalidInputError('Request body must be { "read": true } or { "read": false }.');

  const criteria = { id, id_notified: req.user.id };
  const current = await sails.models.tnotification.findOne(criteria);
  if (!current) throw new NotFoundError('Notification not found.');
  // Reading again keeps the first read time.
  const readAt = read ? (current.date_read_at ?? new Date()) : null;
  const updated = await sails.models.tnotification.updateOne(criteria).set({ date_read_at: readAt });
  if (!updated) throw new NotFoundError('Notification not found.');
  res.status(200).json(toNotificationView(updated));
});
