import type { AuthenticatedRequest, Response } from '../../../../types/http';
import { serviceContext } from '../../../lib/context';
import { NotFoundError } from '../../../lib/core/errors';
import { updateNotificationPreference } from '../../../lib/db/sql/cavers';
import { action } from '../../../lib/http/errors';
import { jsonBodyOf, readBooleanField } from '../../../lib/http/requestInput';
import { toNotificationPreferenceView } from '../../../lib/http/views/account';

/**
 * PATCH /api/v1/account/notifications `{ send_notification_by_email: boolean }` → 200 with the saved
 * preference, as Grottocenter answers. Off: no completion email, the in-app notification stays.
 */
export = action(async (req: AuthenticatedRequest, res: Response) => {
  const send = readBooleanField(jsonBodyOf(req), 'send_notification_by_email');
  const saved = await updateNotificationPreference(serviceContext().pool, req.user.id, {
    send_notification_by_email: send,
  });
  if (!saved) throw new NotFoundError(`Caver with id ${req.user.id} not found.`);
  res.status(200).json(toNotificationPreferenceView(saved));
});
