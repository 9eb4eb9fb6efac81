import type { Queryable } from '../db/pool';
import { NOTIFICATION_TYPES } from './notificationView';

/**
 * Records the IMPORT_COMPLETE notice of a finished batch (notifier = notified = initiator). The
 * unique index on (batch, type) keeps it single even when the aggregation runs twice; returns
 * whether this call created it.
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
