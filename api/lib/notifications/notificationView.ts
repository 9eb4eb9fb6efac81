/** The notification body of the API (SPEC 9), from a t_notification record. */
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

/** t_notification_type, as seeded by the migrations. */
export const NOTIFICATION_TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'CREATE',
  2: 'UPDATE',
  3: 'DELETE',
  4: 'VALIDATE',
  5: 'PERMANENT_DELETE',
  6: 'RESTORE',
  7: 'REJECT',
  8: 'IMPORT_COMPLETE',
});

export const NOTIFICATION_TYPES = Object.freeze({ IMPORT_COMPLETE: 8 } as const);

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
