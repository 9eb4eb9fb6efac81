/** t_notification: what users read in the app (SPEC 9). */
import type { Queryable } from '../pool';

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
