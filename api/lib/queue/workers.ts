/**
 * Registers the pipeline's steps as pg-boss workers, from one table: each row names a queue, how it is
 * worked, and the step it runs. A handler only adapts a job to its step (api/lib/pipeline) and logs
 * with the job's scope; errors reach pg-boss, which retries. Each handler takes one job (batchSize 1),
 * so its return value is stored as the job's output.
 */
import type pg from 'pg';
import type { Job, JobWithMetadata, PgBoss, WorkOptions } from 'pg-boss';
import { coerceError } from '../core/errors';
import { createLogger } from '../core/log';
import type { Settings } from '../core/settings';
import { type JobData, QUEUES, type QueueName } from '../core/types';
import { type ExecuteSql, fromExecuteSql } from '../db/pool';
import { deleteExpiredIdempotencyKeys } from '../db/sql/importRequests';
import type { Mailer } from '../notifications/mailer';
import { aggregateBatch } from '../pipeline/aggregateBatch';
import { checkCompletion } from '../pipeline/checkCompletion';
import { failDeadAggregation, failDeadChunk, type GiveUp } from '../pipeline/deadLetters';
import { importChunk } from '../pipeline/importChunk';
import type { JobQueue } from '../pipeline/ports';
import { pruneStagedRows } from '../pipeline/pruneStagedRows';
import { recoverStalledBatches } from '../pipeline/recoverBatches';
import { type EmailOutcome, sendCompletionEmail } from '../pipeline/sendCompletionEmail';
import type { ReferenceData } from '../rows/referenceData';
import type { ReportStorage } from '../storage';
import { HOUSEKEEPING_CRON, RECOVERY_CRON } from './queues';

export interface WorkerDependencies {
  boss: PgBoss;
  queue: JobQueue;
  pool: pg.Pool;
  settings: Settings;
  referenceData: () => Promise<ReferenceData>;
  storage: ReportStorage;
  mailer: Mailer;
  /** The absolute URL of a batch's status, for emails. */
  jobUrl(batchId: string): string;
}

const log = createLogger('worker');

const EMAIL_LOG: Readonly<Record<EmailOutcome, string>> = Object.freeze({
  sent: 'Completion email sent',
  'opted-out': 'No completion email: the initiator turned notification emails off',
  nobody: 'No completion email to send',
  undeliverable: 'Completion email refused for good by the mail server',
  already: 'Completion email already sent or being sent by another attempt',
});

/** How a job given to a dead letter ended: its attempts and the message of its last error. */
function giveUpOf(job: JobWithMetadata<unknown>): GiveUp {
  const output = job.sourceOutput;
  const error =
    output && typeof output === 'object' && 'message' in output
      ? String((output as { message: unknown }).message)
      : output === null || output === undefined
        ? 'unknown error'
        : JSON.stringify(output);
  return { attempts: (job.sourceRetryCount ?? 0) + 1, error };
}

/** A worker: its queue, pg-boss options, and the handler that runs its step for one job. */
interface Worker<Q extends QueueName> {
  queue: Q;
  options?: Partial<WorkOptions> & { includeMetadata?: boolean; transactional?: boolean };
  handle(job: JobWithMetadata<JobData[Q]>, tx: ExecuteSql | undefined): Promise<object>;
}

const worker = <Q extends QueueName>(definition: Worker<Q>) => definition;

/** The pipeline's workers, in pipeline order. */
export function pipelineWorkers(deps: WorkerDependencies) {
  const { pool, queue, settings } = deps;
  const transaction = (tx: ExecuteSql | undefined) => {
    if (!tx) throw new Error('This worker must be transactional');
    return fromExecuteSql(tx);
  };

  return [
    worker({
      queue: QUEUES.chunk,
      options: { localConcurrency: settings.queue.chunkConcurrency, transactional: true },
      async handle(job, tx) {
        const { batchId, chunk } = job.data;
        const scope = log.child(`batch ${batchId.slice(0, 8)} chunk ${chunk}`);
        const attempt = `${job.retryCount + 1}/${settings.queue.chunkRetryLimit + 1}`;
        const started = Date.now();
        try {
          const db = transaction(tx);
          const summary = await importChunk(job.data, {
            db,
            pool,
            queue,
            referenceData: deps.referenceData,
            log: scope,
            windowRows: settings.import.chunkSize,
          });
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
    }),
    worker({
      queue: QUEUES.chunkDead,
      options: { includeMetadata: true, transactional: true },
      async handle(job, tx) {
        const { batchId, chunk } = job.data;
        const { message, failures } = await failDeadChunk(
          { db: transaction(tx), queue },
          job.data,
          giveUpOf(job),
        );
        log.error('Chunk gave up; its rows are recorded as failures', {
          batch: batchId,
          chunk,
          why: message,
          failures,
        });
        return { batchId, chunk, failures };
      },
    }),
    worker({
      queue: QUEUES.completionCheck,
      options: { localConcurrency: 2, transactional: true },
      handle: (job, tx) => checkCompletion({ db: transaction(tx), queue }, job.data.batchId),
    }),
    worker({
      queue: QUEUES.aggregate,
      async handle(job) {
        const { batchId } = job.data;
        try {
          const result = await aggregateBatch({ pool, queue, storage: deps.storage, log }, batchId);
          return { batchId, finished: result !== null };
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
    }),
    worker({
      queue: QUEUES.aggregateDead,
      options: { includeMetadata: true },
      async handle(job) {
        const { batchId } = job.data;
        const giveUp = giveUpOf(job);
        const failed = await failDeadAggregation(
          { pool, queue, storage: deps.storage, log },
          batchId,
          giveUp,
        );
        log.error('Reports could not be written; the batch failed', {
          batch: batchId,
          attempts: giveUp.attempts,
        });
        return { batchId, failed };
      },
    }),
    worker({
      queue: QUEUES.email,
      async handle(job) {
        const { batchId } = job.data;
        const outcome = await sendCompletionEmail(
          { db: pool, mailer: deps.mailer, storage: deps.storage, jobUrl: deps.jobUrl },
          batchId,
        );
        log.info(EMAIL_LOG[outcome], { batch: batchId });
        return { batchId, sent: outcome === 'sent', outcome };
      },
    }),
    worker({
      queue: QUEUES.emailDead,
      options: { includeMetadata: true },
      async handle(job) {
        // Nothing to end: the email stays unsent, and the recovery sweep starts its retries over.
        const giveUp = giveUpOf(job);
        log.error('Completion email not sent after every retry; the recovery sweep will try again', {
          batch: job.data.batchId,
          attempts: giveUp.attempts,
          why: giveUp.error,
        });
        return { batchId: job.data.batchId, attempts: giveUp.attempts };
      },
    }),
    worker({
      queue: QUEUES.recovery,
      async handle() {
        const recovered = await recoverStalledBatches({
          db: pool,
          queue,
          queueSchema: settings.queue.schema,
          graceSeconds: settings.queue.recoveryGraceSeconds,
        });
        const total = Object.values(recovered).reduce((sum, n) => sum + n, 0);
        if (total > 0) log.warn('Recovered batches whose next step had lost its job', { ...recovered });
        return recovered;
      },
    }),
    worker({
      queue: QUEUES.housekeeping,
      async handle() {
        const pruned = await pruneStagedRows(pool, settings.import.retentionDays);
        if (pruned.batches > 0) log.info('Deleted the staged rows of batches past their retention', pruned);
        const idempotencyKeys = await deleteExpiredIdempotencyKeys(pool);
        return { ...pruned, idempotencyKeys };
      },
    }),
  ];
}

export async function startWorkers(deps: WorkerDependencies): Promise<void> {
  const { boss, settings } = deps;
  // One job per handler call, so its return value is stored as the job's output. NOTIFY wakes workers
  // the moment a job is created, but after each job pg-boss waits one interval before fetching again,
  // backlog or not: the interval stays short so a batch's chunks drain quickly.
  const one = {
    batchSize: 1,
    pollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
    notifyPollingIntervalSeconds: settings.queue.pollingIntervalSeconds,
  };
  for (const { queue, options, handle } of pipelineWorkers(deps)) {
    const run = ([job]: Job<unknown>[], tx?: ExecuteSql) => handle(job as JobWithMetadata<never>, tx);
    await boss.work(queue, { ...one, ...options } as WorkOptions, run as never);
  }
  await boss.schedule(QUEUES.recovery, RECOVERY_CRON);
  await boss.schedule(QUEUES.housekeeping, HOUSEKEEPING_CRON);
}
