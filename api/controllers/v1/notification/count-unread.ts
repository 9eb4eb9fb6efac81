import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import { countNotificationsOf } from '../../../lib/db/sql/notifications';
import { action } from '../../../lib/http/errors';

/** GET /api/v1/notifications/unread/count → `{ count }`: the caller's unread notifications. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const count = await countNotificationsOf(serviceContext().pool, req.user.id, { unreadOnly: true });
  res.status(200).json({ count });
});
