/** The notification body of the API (SPEC 9), from a t_notification record. */
import { NOTIFICATION_TYPE_NAMES } from '../../db/sql/notifications';

export interface NotificationView {
  id: number;
  type: string;
  typeId: number;
  createdAt: string;
  readAt: string | null;
  batchId: string | null;
  notifierId: number;
  notifiedId: number;
}

const iso = (value: unknown) => (value ? new Date(value as string | Date).toISOString() : null);

export function toNotificationView(record: Record<string, unknown>): NotificationView {
  const typeId = Number(record.id_notification_type);
  return {
    id: Number(record.id),
    type: NOTIFICATION_TYPE_NAMES[typeId] ?? String(typeId),
    typeId,
    createdAt: iso(record.date_inscription)!,
    readAt: iso(record.date_read_at),
    batchId: (record.id_job_batch as string | null) ?? null,
    notifierId: Number(record.id_notifier),
    notifiedId: Number(record.id_notified),
  };
}
