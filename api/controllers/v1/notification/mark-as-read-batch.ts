import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { assertCanMarkNotificationsRead } from '../../../lib/auth/permissions';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { findNotificationRecipients, markNotificationsRead } from '../../../lib/db/sql/notifications';
import { action } from '../../../lib/http/errors';
import { jsonBodyOf, readIdList } from '../../../lib/http/requestInput';

/** Grottocenter's limit on one call. */
const MAX_IDS = 1000;

/**
 * PUT /api/v1/notifications/read `{ ids: [1, 2] }` → 204: marks those notifications read; without
 * `ids` (or with an empty list, as Grottocenter), every unread notification of the caller. All or
 * nothing: an unknown id is a 404 and another caver's a 403, and then nothing changes.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const ids = readIdList(jsonBodyOf(req), 'ids', MAX_IDS);
  const { pool } = serviceContext();
  if (ids) {
    const notifications = await findNotificationRecipients(pool, ids);
    const found = new Set(notifications.map((notification) => notification.id));
    const unknown = ids.find((id) => !found.has(id));
    if (unknown !== undefined) throw new NotFoundError(`Notification with id ${unknown} not found.`);
    assertCanMarkNotificationsRead(req.user, notifications);
  }
  await markNotificationsRead(pool, req.user.id, ids);
  res.status(204).send(undefined);
});
