/**
 * The pipeline's workers. Each handler takes one job (batchSize 1), so its return value is stored
 * as the job's output. Handlers log with their scope and let errors reach pg-boss, which retries.
 */
import type pg from 'pg';
import type { Job, JobWithMetadata, PgBoss } from 'pg-boss';
import { addChunkCounts, claimBatchForAggregation } from '../batches/batchRepository';
import { aggregateBatch, failBatchAggregation } from '../batches/finishBatch';
import { recoverStalledBatches } from '../batches/recoverBatches';
import { type ExecuteSql, fromExecuteSql } from '../db/pool';
import { importChunk } from '../import/chunkImporter';
import { chunkFailedMessage } from '../import/outcomes';
import type { ReferenceData } from '../import/referenceData';
import { failUnfinishedRows } from '../import/stagedRows';
import { coerceError, createLogger } from '../log';
import { sendCompletionEmail } from '../notifications/completionEmail';
import type { Mailer } from '../notifications/mailer';
import type { Settings } from '../settings';
import type { ReportStorage } from '../storage';
import { type BatchJob, type ChunkJob, type DeadChunkJob, QUEUES, RECOVERY_CRON } from './queues';

export interface WorkerDependencies {
  boss: PgBoss;
  pool: pg.Pool;
  settings: Settings;
  referenceData: () => Promise<ReferenceData>;
  storage: ReportStorage;
  mailer: Mailer;
}

const log = createLogger('worker');

/** A batch younger than this is left to the pipeline: its jobs may simply not have run yet. */
const RECOVERY_GRACE_SECONDS = 120;

/** The message of a failed job's output, as pg-boss stores it (a serialised Error, usually). */
function errorMessageOf(output: unknown): string {
  if (output && typeof output === 'object' && 'message' in output)
    return String((output as { message: unknown }).message);
  return output === null || output === undefined ? 'unknown error' : JSON.stringify(output);
}

/** Queues the completion check inside the caller's transaction, so it exists once the chunk commits. */
async function enqueueCompletionCheck(boss: PgBoss, tx: ExecuteSql, batchId: string): Promise<void> {
  await boss.send(QUEUES.completionCheck, { batchId } satisfies BatchJob, { db: tx });
}

export async function startWorkers(deps: WorkerDependencies): Promise<void> {
  const { boss, pool, settings } = deps;
  // NOTIFY wakes workers the moment a job is created, but after each job pg-boss waits one interval
  // before fetching again, backlog or not: the interval stays short so a batch's chunks drain quickly.
  const polling = {
    pollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
    notifyPollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
  };
  const finishDeps = { pool, boss, storage: deps.storage, log };

  await boss.work(
    QUEUES.chunk,
    { ...polling, batchSize: 1, localConcurrency: settings.queue.chunkConcurrency, transactional: true },
    async ([job]: Job<ChunkJob>[], tx: ExecuteSql) => {
      const { batchId, chunk } = job.data;
      const scope = log.child(`batch ${batchId.slice(0, 8)} chunk ${chunk}`);
      const started = Date.now();
      const attempt = `${job.retryCount + 1}/${settings.queue.chunkRetryLimit + 1}`;
      try {
        const db = fromExecuteSql(tx);
        const summary = await importChunk(job.data, {
          db,
          pool,
          referenceData: deps.referenceData,
          log: scope,
        });
        await addChunkCounts(db, batchId, summary);
        await enqueueCompletionCheck(boss, tx, batchId);
        const ms = Date.now() - started;
        const { rows, successes, duplicates, failures, isolatedRows } = summary;
        scope.info('Chunk imported', { attempt, rows, successes, duplicates, failures, isolatedRows, ms });
        // The job's output: what the chunk did and how long its import took, for operators.
        return { ...summary, ms };
      } catch (error) {
        scope.warn('Chunk failed; the queue will retry it', { attempt, error: coerceError(error) });
        throw error;
      }
    },
  );

  // A chunk whose retries ran out: its rows become failures, so the batch still ends and adds up.
  await boss.work(
    QUEUES.chunkDead,
    { ...polling, batchSize: 1, includeMetadata: true, transactional: true },
    async ([job]: JobWithMetadata<DeadChunkJob>[], tx: ExecuteSql) => {
      const { batchId, chunk, reason } = job.data;
      const attempts = (job.sourceRetryCount ?? 0) + 1;
      const message = reason
        ? `Chunk failed: ${reason}`
        : chunkFailedMessage(attempts, errorMessageOf(job.sourceOutput));
      const db = fromExecuteSql(tx);
      const failures = await failUnfinishedRows(db, batchId, chunk, message);
      if (failures > 0) await addChunkCounts(db, batchId, { successes: 0, duplicates: 0, failures });
      await enqueueCompletionCheck(boss, tx, batchId);
      log.error('Chunk gave up; its rows are recorded as failures', {
        batch: batchId,
        chunk,
        why: message,
        failures,
      });
      return { batchId, chunk, failures };
    },
  );

  // The atomic end-of-batch decision; only the winner enqueues the aggregation, in the same transaction.
  await boss.work(
    QUEUES.completionCheck,
    { ...polling, batchSize: 1, localConcurrency: 2, transactional: true },
    async ([job]: Job<BatchJob>[], tx: ExecuteSql) => {
      const claimed = await claimBatchForAggregation(fromExecuteSql(tx), job.data.batchId);
      if (claimed)
        await boss.send(QUEUES.aggregate, { batchId: job.data.batchId } satisfies BatchJob, { db: tx });
      return { batchId: job.data.batchId, claimed };
    },
  );

  await boss.work(QUEUES.aggregate, { ...polling, batchSize: 1 }, async ([job]: Job<BatchJob>[]) => {
    try {
      const result = await aggregateBatch(finishDeps, job.data.batchId);
      return { batchId: job.data.batchId, finished: result !== null };
    } catch (error) {
      log.warn('Report generation failed; the queue will retry it', {
        batch: job.data.batchId,
        attempt: job.retryCount + 1,
        error: coerceError(error),
      });
      throw error;
    }
  });

  await boss.work(
    QUEUES.aggregateDead,
    { ...polling, batchSize: 1, includeMetadata: true },
    async ([meta]: JobWithMetadata<BatchJob>[]) => {
      const job = meta;
      const attempts = (meta.sourceRetryCount ?? 0) + 1;
      const result = await failBatchAggregation(
        finishDeps,
        job.data.batchId,
        attempts,
        errorMessageOf(meta.sourceOutput),
      );
      log.error('Reports could not be written; the batch failed', { batch: job.data.batchId, attempts });
      return { batchId: job.data.batchId, failed: result !== null };
    },
  );

  await boss.work(QUEUES.recovery, { ...polling, batchSize: 1 }, async () => {
    const recovered = await recoverStalledBatches(pool, boss, settings.queue.schema, RECOVERY_GRACE_SECONDS);
    const total = recovered.completionChecks + recovered.lostChunks + recovered.aggregations;
    if (total > 0) log.warn('Recovered batches whose next step had lost its job', { ...recovered });
    return recovered;
  });
  await boss.schedule(QUEUES.recovery, RECOVERY_CRON);

  await boss.work(QUEUES.email, { ...polling, batchSize: 1 }, async ([job]: Job<BatchJob>[]) => {
    const sent = await sendCompletionEmail(pool, deps.mailer, settings.publicUrl, job.data.batchId);
    log.info(sent ? 'Completion email sent' : 'No completion email to send', { batch: job.data.batchId });
    return { batchId: job.data.batchId, sent };
  });
}
