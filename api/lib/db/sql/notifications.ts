/** t_notification: what users read in the app (SPEC 9, 12.3). */
import type { BatchStatus, OutcomeCounts } from '../../core/types';
import type { Queryable } from '../pool';

/** The t_notification_type the pipeline writes, as seeded by the migrations. */
export const NOTIFICATION_TYPES = Object.freeze({ IMPORT_COMPLETE: 8 } as const);

/**
 * Records the IMPORT_COMPLETE notice of an ended batch (notifier = notified = initiator). The unique
 * index on (batch, type) keeps it single even when the aggregation runs twice; returns whether this
 * call created it.
 */
export async function insertImportCompleteNotification(
  db: Queryable,
  batchId: string,
  initiatorId: number,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO t_notification (id_notification_type, id_notifier, id_notified, id_job_batch)
     VALUES ($1, $2, $2, $3)
     ON CONFLICT (id_job_batch, id_notification_type) WHERE id_job_batch IS NOT NULL DO NOTHING
     RETURNING id`,
    [NOTIFICATION_TYPES.IMPORT_COMPLETE, initiatorId, batchId],
  );
  return rows.length === 1;
}

/**
 * The orders a notification list may be read in, by the API's sort key. The keys are the only
 * values a caller's `sortBy` can reach the SQL with; `n.id` breaks ties, so pages never overlap.
 */
export const NOTIFICATION_SORT_COLUMNS = Object.freeze({
  dateInscription: 'n.date_inscription',
  dateReadAt: 'n.date_read_at',
  id: 'n.id',
  notificationType: 'n.id_notification_type',
} as const);

export type NotificationSortKey = keyof typeof NOTIFICATION_SORT_COLUMNS;
export const NOTIFICATION_SORT_KEYS = Object.freeze(
  Object.keys(NOTIFICATION_SORT_COLUMNS) as NotificationSortKey[],
);

export interface NotificationListPage {
  limit: number;
  skip: number;
  sortBy: NotificationSortKey;
  orderBy: 'ASC' | 'DESC';
}

/** One notification with what it names, as the list reads it. */
export interface NotificationListRow {
  id: number;
  date_inscription: Date;
  date_read_at: Date | null;
  type_id: number;
  type_name: string;
  notifier_id: number;
  notifier_nickname: string;
  notified_id: number;
  notified_nickname: string;
  id_cave: number | null;
  cave_name: string | null;
  id_entrance: number | null;
  entrance_name: string | null;
  id_comment: number | null;
  id_description: number | null;
  id_document: number | null;
  id_location: number | null;
  id_massif: number | null;
  id_organization: number | null;
  id_rigging: number | null;
  id_history: number | null;
  batch_id: string | null;
  batch_status: BatchStatus | null;
  batch_summary: OutcomeCounts | null;
}

/**
 * One page of a caver's notifications, each joined to its type, notifier, notified, the main names of
 * the cave and entrance it names, and its import batch (status and summary: the final summary once
 * the batch ended, its running counters before), in one statement.
 */
export async function listNotificationsOf(
  db: Queryable,
  caverId: number,
  page: NotificationListPage,
): Promise<NotificationListRow[]> {
  const column = NOTIFICATION_SORT_COLUMNS[page.sortBy];
  const direction = page.orderBy === 'ASC' ? 'ASC' : 'DESC';
  const { rows } = await db.query<NotificationListRow>(
    `SELECT n.id, n.date_inscription, n.date_read_at,
            t.id AS type_id, t.name AS type_name,
            notifier.id AS notifier_id, notifier.nickname AS notifier_nickname,
            notified.id AS notified_id, notified.nickname AS notified_nickname,
            n.id_cave, cave_name.name AS cave_name, n.id_entrance, entrance_name.name AS entrance_name,
            n.id_comment, n.id_description, n.id_document, n.id_location, n.id_massif,
            n.id_organization, n.id_rigging, n.id_history,
            b.id AS batch_id, b.status AS batch_status,
            CASE WHEN b.id IS NOT NULL THEN coalesce(
              b.result -> 'summary',
              jsonb_build_object('successes', b.successes, 'duplicates', b.duplicates, 'failures', b.failures)
            ) END AS batch_summary
       FROM t_notification n
       JOIN t_notification_type t ON t.id = n.id_notification_type
       JOIN t_caver notifier ON notifier.id = n.id_notifier
       JOIN t_caver notified ON notified.id = n.id_notified
       LEFT JOIN t_job_batch b ON b.id = n.id_job_batch
       LEFT JOIN LATERAL (
         SELECT name FROM t_name WHERE id_cave = n.id_cave AND is_main AND NOT is_deleted ORDER BY id LIMIT 1
       ) cave_name ON n.id_cave IS NOT NULL
       LEFT JOIN LATERAL (
         SELECT name FROM t_name WHERE id_entrance = n.id_entrance AND is_main AND NOT is_deleted ORDER BY id LIMIT 1
       ) entrance_name ON n.id_entrance IS NOT NULL
      WHERE n.id_notified = $1
      ORDER BY ${column} ${direction}, n.id ${direction}
      LIMIT $2 OFFSET $3`,
    [caverId, page.limit, page.skip],
  );
  return rows;
}

/** How many notifications a caver has (only the unread ones with `unreadOnly`). */
export async function countNotificationsOf(
  db: Queryable,
  caverId: number,
  { unreadOnly = false }: { unreadOnly?: boolean } = {},
): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM t_notification
      WHERE id_notified = $1 AND ($2::boolean IS FALSE OR date_read_at IS NULL)`,
    [caverId, unreadOnly],
  );
  return rows[0].count;
}

/** Who each of these notifications was sent to; ids that name no notification are left out. */
export async function findNotificationRecipients(
  db: Queryable,
  ids: readonly number[],
): Promise<{ id: number; id_notified: number }[]> {
  const { rows } = await db.query<{ id: number; id_notified: number }>(
    // bigint[]: an id past the integer range names nothing rather than failing the statement.
    'SELECT id, id_notified FROM t_notification WHERE id = ANY($1::bigint[]) ORDER BY id',
    [ids],
  );
  return rows;
}

/**
 * Marks as read the caver's unread notifications among `ids`, or all of them when `ids` is null.
 * Notifications already read keep their first read time; returns how many changed.
 */
export async function markNotificationsRead(
  db: Queryable,
  caverId: number,
  ids: readonly number[] | null,
): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `WITH updated AS (
       UPDATE t_notification SET date_read_at = now()
        WHERE id_notified = $1 AND date_read_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))
        RETURNING 1
     )
     SELECT count(*)::int AS count FROM updated`,
    [caverId, ids],
  );
  return rows[0].count;
}
