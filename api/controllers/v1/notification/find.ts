import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { action } from '../../../lib/http/errors';
import { parsePage } from '../../../lib/http/requestInput';
import { toNotificationView } from '../../../lib/http/views/notification';

/** GET /api/v1/notifications: the caller's notifications, newest first. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const page = parsePage(req.query);
  const mine = { id_notified: req.user.id };
  const [items, total, unread] = await Promise.all([
    sails.models.tnotification
      .find({ where: mine })
      .sort([{ date_inscription: 'DESC' }, { id: 'DESC' }])
      .limit(page.limit)
      .skip(page.offset),
    sails.models.tnotification.count(mine),
    sails.models.tnotification.count({ ...mine, date_read_at: null }),
  ]);
  res.status(200).json({ items: items.map(toNotificationView), total, unread, ...page });
});
