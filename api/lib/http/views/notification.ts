/**
 * A notification as Grottocenter's `GET /api/v1/notifications` shows it (its NotificationModel):
 * type, notifier and notified as small objects, each entity it names as `{ id }` (caves and entrances
 * with their main name) or null, and for an import's IMPORT_COMPLETE the batch as `jobBatch`.
 */
import type { BatchStatus, OutcomeCounts } from '../../core/types';
import type { NotificationListRow } from '../../db/sql/notifications';

interface Reference {
  id: number;
}

interface NamedReference extends Reference {
  name: string | null;
}

export interface NotificationView {
  id: number;
  dateInscription: string;
  dateReadAt: string | null;
  notificationType: { id: number; name: string };
  notifier: { id: number; nickname: string };
  notified: { id: number; nickname: string };
  cave: NamedReference | null;
  entrance: NamedReference | null;
  comment: Reference | null;
  description: Reference | null;
  document: Reference | null;
  location: Reference | null;
  massif: Reference | null;
  organization: Reference | null;
  rigging: Reference | null;
  history: Reference | null;
  /** The import batch the notification is about (IMPORT_COMPLETE), null otherwise. */
  jobBatch: { id: string; status: BatchStatus; summary: OutcomeCounts } | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const reference = (id: number | null): Reference | null => (id === null ? null : { id });
const named = (id: number | null, name: string | null): NamedReference | null =>
  id === null ? null : { id, name };

export function toNotificationView(row: NotificationListRow): NotificationView {
  return {
    id: row.id,
    dateInscription: iso(row.date_inscription),
    dateReadAt: row.date_read_at ? iso(row.date_read_at) : null,
    notificationType: { id: row.type_id, name: row.type_name },
    notifier: { id: row.notifier_id, nickname: row.notifier_nickname },
    notified: { id: row.notified_id, nickname: row.notified_nickname },
    cave: named(row.id_cave, row.cave_name),
    entrance: named(row.id_entrance, row.entrance_name),
    comment: reference(row.id_comment),
    description: reference(row.id_description),
    document: reference(row.id_document),
    location: reference(row.id_location),
    massif: reference(row.id_massif),
    organization: reference(row.id_organization),
    rigging: reference(row.id_rigging),
    history: reference(row.id_history),
    jobBatch:
      row.batch_id && row.batch_status && row.batch_summary
        ? {
            id: row.batch_id,
            status: row.batch_status,
            summary: {
              successes: row.batch_summary.successes,
              duplicates: row.batch_summary.duplicates,
              failures: row.batch_summary.failures,
            },
          }
        : null,
  };
}

/** The body of `GET /api/v1/notifications`. */
export function toNotificationList(rows: NotificationListRow[]): { notifications: NotificationView[] } {
  return { notifications: rows.map(toNotificationView) };
}
