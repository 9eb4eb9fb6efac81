import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { findNotificationPreference } from '../../../lib/db/sql/cavers';
import { action } from '../../../lib/http/errors';
import { toNotificationPreferenceView } from '../../../lib/http/views/account';

/** GET /api/v1/account/notifications → `{ send_notification_by_email }` of the signed-in caver. */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const preference = await findNotificationPreference(serviceContext().pool, req.user.id);
  if (!preference) throw new NotFoundError(`Caver with id ${req.user.id} not found.`);
  res.status(200).json(toNotificationPreferenceView(preference));
});
