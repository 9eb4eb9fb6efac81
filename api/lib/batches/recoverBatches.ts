/**
 * The safety net behind SPEC 11 ("never leaves a batch stuck in a non-final status"). The pipeline
 * normally moves every batch to its end by itself; this sweep, run every minute, finds batches whose
 * next step lost its job (a queue whose retries and dead letters all failed, a job deleted by hand)
 * and enqueues that step again. Every step it enqueues is idempotent, so a false alarm costs nothing.
 */
import type { PgBoss } from 'pg-boss';
import type { Queryable } from '../db/pool';
import { type BatchJob, type ChunkJob, QUEUES } from '../queue/queues';

export interface RecoveryCounts {
  completionChecks: number;
  lostChunks: number;
  aggregations: number;
}

/** Jobs that may still run: anything not completed, cancelled or failed for good. */
const LIVE = "state IN ('created', 'retry', 'active')";

export async function recoverStalledBatches(
  db: Queryable,
  boss: PgBoss,
  schema: string,
  olderThanSeconds: number,
): Promise<RecoveryCounts> {
  const counts: RecoveryCounts = { completionChecks: 0, lostChunks: 0, aggregations: 0 };

  // Every chunk done, yet no completion check moved the batch on.
  const { rows: finished } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.status IN ('pending', 'active') AND b.completed_chunks = b.total_chunks
        AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${schema}.job j
                         WHERE j.name = $2 AND j.data->>'batchId' = b.id::text AND j.${LIVE})`,
    [olderThanSeconds, QUEUES.completionCheck],
  );
  for (const { id } of finished) await boss.send(QUEUES.completionCheck, { batchId: id } satisfies BatchJob);
  counts.completionChecks = finished.length;

  // Chunks with unfinished rows and no job left to finish them: their rows become failures.
  const { rows: lost } = await db.query<{ id_job_batch: string; chunk: number; id_initiator: number }>(
    `SELECT DISTINCT r.id_job_batch, r.chunk, b.id_initiator
       FROM t_job_batch b JOIN t_job_batch_row r ON r.id_job_batch = b.id
      WHERE b.status IN ('pending', 'active') AND r.outcome IS NULL
        AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${schema}.job j
                         WHERE j.name IN ($2, $3) AND j.data->>'batchId' = b.id::text
                           AND (j.data->>'chunk')::int = r.chunk AND j.${LIVE})`,
    [olderThanSeconds, QUEUES.chunk, QUEUES.chunkDead],
  );
  for (const row of lost) {
    const job: ChunkJob & { reason: string } = {
      batchId: row.id_job_batch,
      chunk: row.chunk,
      initiatorId: row.id_initiator,
      reason: 'its import job was lost',
    };
    await boss.send(QUEUES.chunkDead, job);
  }
  counts.lostChunks = lost.length;

  // Aggregating, with neither an aggregation nor its dead letter left to end it.
  const { rows: stuck } = await db.query<{ id: string }>(
    `SELECT b.id FROM t_job_batch b
      WHERE b.status = 'aggregating' AND b.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM ${schema}.job j
                         WHERE j.name IN ($2, $3) AND j.data->>'batchId' = b.id::text AND j.${LIVE})`,
    [olderThanSeconds, QUEUES.aggregate, QUEUES.aggregateDead],
  );
  for (const { id } of stuck) await boss.send(QUEUES.aggregate, { batchId: id } satisfies BatchJob);
  counts.aggregations = stuck.length;
  return counts;
}
