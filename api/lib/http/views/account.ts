/** The email preference of `GET` / `PATCH /api/v1/account/notifications`, in Grottocenter's snake_case. */
import type { NotificationPreference } from '../../db/sql/cavers';

export function toNotificationPreferenceView(preference: NotificationPreference): {
  send_notification_by_email: boolean;
} {
  return { send_notification_by_email: preference.send_notification_by_email };
}
