/**
 * How a batch ends, whichever step ends it: in one transaction, its final status and result, the
 * IMPORT_COMPLETE notification and the email job. A batch that has already ended is left alone,
 * and the database keeps the notification single, so running this twice changes nothing.
 */
import type pg from 'pg';
import type { Logger } from '../core/log';
import { type BatchResult, type FinalStatus, QUEUES } from '../core/types';
import { withTransaction } from '../db/pool';
import { type BatchRow, findBatch, recordFinalStatus } from '../db/sql/batches';
import { insertImportCompleteNotification } from '../db/sql/notifications';
import type { JobQueue } from './ports';

export interface EndDependencies {
  pool: pg.Pool;
  queue: JobQueue;
  log: Logger;
}

/** The batch, when it waits for its reports; null when it has ended or is not there. */
export async function findAggregatingBatch(pool: pg.Pool, batchId: string): Promise<BatchRow | null> {
  const batch = await findBatch(pool, batchId);
  return batch?.status === 'aggregating' ? batch : null;
}

export async function endBatch(
  deps: EndDependencies,
  batch: BatchRow,
  status: FinalStatus,
  result: BatchResult,
): Promise<void> {
  const ended = await withTransaction(deps.pool, async (client) => {
    if (!(await recordFinalStatus(client, batch.id, status, result))) return false;
    await insertImportCompleteNotification(client, batch.id, batch.id_initiator);
    await deps.queue.send(QUEUES.email, { batchId: batch.id }, { db: client, singletonKey: batch.id });
    return true;
  });
  if (ended) deps.log.info(`Batch ${status}`, { batch: batch.id, ...result.summary });
}
