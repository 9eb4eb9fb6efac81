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

/** One handler per queue. Each takes one job and returns what pg-boss stores as the job's output. */
export function pipelineHandlers(deps: WorkerDependencies) {
  const { boss, pool, settings } = deps;
  const finishDeps = { pool, boss, storage: deps.storage, log };

  return {
    /** Imports a chunk; its rows, counters and next job commit with the job's completion. */
    async importChunk([job]: Job<ChunkJob>[], tx: ExecuteSql) {
      const { batchId, chunk } = job.data;
      const scope = log.child(`batch ${batchId.slice(0, 8)} chunk ${chunk}`);
      const attempt = `${job.retryCount + 1}/${settings.queue.chunkRetryLimit + 1}`;
      const started = Date.now();
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

    /** A chunk given up on: its unfinished rows become failures, so the batch still ends and adds up. */
    async failDeadChunk([job]: JobWithMetadata<DeadChunkJob>[], tx: ExecuteSql) {
      const { batchId, chunk, reason } = job.data;
      const message = reason
        ? `Chunk failed: ${reason}`
        : chunkFailedMessage((job.sourceRetryCount ?? 0) + 1, errorMessageOf(job.sourceOutput));
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

    /** The atomic end-of-batch decision; only its winner enqueues the aggregation, in the same transaction. */
    async checkCompletion([job]: Job<BatchJob>[], tx: ExecuteSql) {
      const { batchId } = job.data;
      const claimed = await claimBatchForAggregation(fromExecuteSql(tx), batchId);
      if (claimed) await boss.send(QUEUES.aggregate, { batchId } satisfies BatchJob, { db: tx });
      return { batchId, claimed };
    },

    async aggregate([job]: Job<BatchJob>[]) {
      const { batchId } = job.data;
      try {
        return { batchId, finished: (await aggregateBatch(finishDeps, batchId)) !== null };
      } catch (error) {
        const attempt = job.retryCount + 1;
        log.warn('Report generation failed; the queue will retry it', {
          batch: batchId,
          attempt,
          error: coerceError(error),
        });
        throw error;
      }
    },

    /** Reports that could not be written after every retry: the batch fails, and its initiator is told. */
    async failDeadAggregation([job]: JobWithMetadata<BatchJob>[]) {
      const { batchId } = job.data;
      const attempts = (job.sourceRetryCount ?? 0) + 1;
      const result = await failBatchAggregation(
        finishDeps,
        batchId,
        attempts,
        errorMessageOf(job.sourceOutput),
      );
      log.error('Reports could not be written; the batch failed', { batch: batchId, attempts });
      return { batchId, failed: result !== null };
    },

    async recover() {
      const recovered = await recoverStalledBatches(
        pool,
        boss,
        settings.queue.schema,
        RECOVERY_GRACE_SECONDS,
      );
      const total = recovered.completionChecks + recovered.lostChunks + recovered.aggregations;
      if (total > 0) log.warn('Recovered batches whose next step had lost its job', { ...recovered });
      return recovered;
    },

    async email([job]: Job<BatchJob>[]) {
      const { batchId } = job.data;
      const sent = await sendCompletionEmail(pool, deps.mailer, settings.publicUrl, batchId);
      log.info(sent ? 'Completion email sent' : 'No completion email to send', { batch: batchId });
      return { batchId, sent };
    },
  };
}

export async function startWorkers(deps: WorkerDependencies): Promise<void> {
  const { boss, settings } = deps;
  const handle = pipelineHandlers(deps);
  // One job per handler call, so its return value is stored as the job's output. NOTIFY wakes workers
  // the moment a job is created, but after each job pg-boss waits one interval before fetching again,
  // backlog or not: the interval stays short so a batch's chunks drain quickly.
  const one = {
    batchSize: 1,
    pollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
    notifyPollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
  };
  const concurrency = settings.queue.chunkConcurrency;

  await boss.work(
    QUEUES.chunk,
    { ...one, localConcurrency: concurrency, transactional: true },
    handle.importChunk,
  );
  await boss.work(
    QUEUES.chunkDead,
    { ...one, includeMetadata: true, transactional: true },
    handle.failDeadChunk,
  );
  await boss.work(
    QUEUES.completionCheck,
    { ...one, localConcurrency: 2, transactional: true },
    handle.checkCompletion,
  );
  await boss.work(QUEUES.aggregate, one, handle.aggregate);
  await boss.work(QUEUES.aggregateDead, { ...one, includeMetadata: true }, handle.failDeadAggregation);
  await boss.work(QUEUES.email, one, handle.email);
  await boss.work(QUEUES.recovery, one, handle.recover);
  await boss.schedule(QUEUES.recovery, RECOVERY_CRON);
}
