import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import {
  countNotificationsOf,
  listNotificationsOf,
  NOTIFICATION_SORT_KEYS,
} from '../../../lib/db/sql/notifications';
import { action } from '../../../lib/http/errors';
import { sendPage } from '../../../lib/http/pagination';
import { parseListQuery } from '../../../lib/http/requestInput';
import { toNotificationList } from '../../../lib/http/views/notification';

/**
 * GET /api/v1/notifications?limit&skip&sortBy&orderBy: the caller's notifications, newest first by
 * default, at most 50 a page; 206 + Content-Range when the page does not hold them all.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const page = parseListQuery(req.query, {
    sortable: NOTIFICATION_SORT_KEYS,
    defaultSort: 'dateInscription',
    maxLimit: 50,
  });
  const { pool } = serviceContext();
  const [rows, total] = await Promise.all([
    listNotificationsOf(pool, req.user.id, page),
    countNotificationsOf(pool, req.user.id),
  ]);
  sendPage(res, toNotificationList(rows), { skip: page.skip, count: rows.length, total });
});
