/**
 * Where an import's time goes, from the database: the batch row and the pg-boss jobs of the batch,
 * put on one timeline with the client's own clock (same machine, same wall clock).
 *
 * A chunk job is transactional: pg-boss completes it inside the handler's transaction, whose now()
 * is the time that transaction began, so its `completed_on` is not its end. A chunk's end is taken as
 * its `started_on` plus the handler's own duration, which the job's output records (`ms`).
 */
import pg from 'pg';
import { QUEUES } from '../../api/lib/core/types';
import type { Queryable } from '../../api/lib/db/pool';

export interface Stages {
  /** POST sent → the batch's transaction begins (t_job_batch.created_at): receiving and checking the body. */
  receive: number;
  /** That transaction begins → 202 received: staging, enqueueing, committing, answering. */
  stage: number;
  /** 202 → the first chunk starts. */
  queueWait: number;
  /** First chunk start → last chunk end. */
  chunks: number;
  /** Last chunk end → the aggregation starts (completion checks). */
  completion: number;
  /** The aggregation starts → the batch is completed (t_job_batch.completed_at): reports, notification. */
  reports: number;
  /** The batch is completed → a poller sees it. */
  notice: number;
  chunkCount: number;
  chunkMedianMs: number;
  /** Rows per second of one chunk handler (median chunk). */
  chunkRowsPerSecond: number;
  /** Share of the chunk stage during which the workers were running a chunk (handler time over span × concurrency). */
  workerBusy: number;
  /** Chunk attempts that were retries. */
  chunkRetries: number;
}

interface JobRow {
  name: string;
  state: string;
  started: number;
  completed: number;
  retry_count: number;
  rows: number | null;
  ms: number | null;
}

/** Client-side instants of one import, as wall-clock milliseconds. */
export interface ClientTimes {
  postSent: number;
  accepted: number;
  endSeen: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function readJobs(db: Queryable, schema: string, batchId: string): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT name, state, extract(epoch FROM started_on) * 1000 AS started,
            extract(epoch FROM completed_on) * 1000 AS completed, retry_count,
            (output->>'rows')::int AS rows, (output->>'ms')::float8 AS ms
       FROM ${pg.escapeIdentifier(schema)}.job
      WHERE name = ANY($1) AND data->>'batchId' = $2`,
    [[QUEUES.chunk, QUEUES.aggregate], batchId],
  );
  return rows.map((row) => ({ ...row, started: Number(row.started), completed: Number(row.completed) }));
}

async function readBatchTimes(
  db: Queryable,
  batchId: string,
): Promise<{ created: number; completed: number }> {
  const { rows } = await db.query<{ created: string; completed: string }>(
    `SELECT extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM completed_at) * 1000 AS completed
       FROM t_job_batch WHERE id = $1`,
    [batchId],
  );
  return { created: Number(rows[0].created), completed: Number(rows[0].completed) };
}

export async function readStages(
  db: Queryable,
  schema: string,
  batchId: string,
  client: ClientTimes,
  concurrency: number,
): Promise<Stages> {
  const jobs = await readJobs(db, schema, batchId);
  const chunks = jobs.filter((job) => job.name === QUEUES.chunk && job.state === 'completed');
  // The batch is completed inside the aggregation, a moment before its job is: it may still be active.
  const aggregate = jobs.find((job) => job.name === QUEUES.aggregate && job.started);
  if (!chunks.length || !aggregate)
    throw new Error(`No completed chunk or started aggregation for batch ${batchId}`);
  const { created, completed } = await readBatchTimes(db, batchId);

  const chunkEnd = (job: JobRow) => Math.max(job.completed, job.started + (job.ms ?? 0));
  const firstStart = Math.min(...chunks.map((job) => job.started));
  const lastEnd = Math.max(...chunks.map(chunkEnd));
  const handlerMs = chunks.map((job) => job.ms ?? 0);
  const perWorker = chunks.filter((job) => job.ms && job.rows).map((job) => job.rows! / (job.ms! / 1000));
  const busy = handlerMs.reduce((a, b) => a + b, 0) / (Math.max(1, lastEnd - firstStart) * concurrency);
  return {
    receive: created - client.postSent,
    stage: client.accepted - created,
    queueWait: firstStart - client.accepted,
    chunks: lastEnd - firstStart,
    completion: aggregate.started - lastEnd,
    reports: completed - aggregate.started,
    notice: client.endSeen - completed,
    chunkCount: chunks.length,
    chunkMedianMs: median(handlerMs),
    chunkRowsPerSecond: perWorker.length ? median(perWorker) : 0,
    workerBusy: Math.min(1, busy),
    chunkRetries: chunks.reduce((sum, job) => sum + job.retry_count, 0),
  };
}
