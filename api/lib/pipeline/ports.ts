/**
 * What the pipeline's steps need from the outside, as interfaces: each step receives these
 * explicitly, so it knows nothing of pg-boss, Sails or the process it runs in, and a test can hand
 * it the real thing or a stand-in.
 */
import type { JobData, QueueName } from '../core/types';
import type { Queryable } from '../db/pool';

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists exactly when the transaction commits. */
  db?: Queryable;
  /** At most one queued job with this key (pg-boss `singletonKey`). */
  singletonKey?: string;
}

/** The job queue, as the steps see it: enqueue the next step. */
export interface JobQueue {
  send<Q extends QueueName>(queue: Q, data: JobData[Q], options?: EnqueueOptions): Promise<void>;
  /** Many jobs of one queue with one statement. */
  sendAll<Q extends QueueName>(
    queue: Q,
    data: readonly JobData[Q][],
    options?: { db?: Queryable },
  ): Promise<void>;
  /**
   * Has the queue's workers fetch again at once when their current job ends, at the commit of `db`
   * (pg-boss otherwise sleeps a polling interval between two jobs, backlog or not).
   */
  wakeWorkers(queue: QueueName, options: { db: Queryable }): Promise<void>;
  /** Whether jobs can be enqueued now. */
  isAvailable(): Promise<boolean>;
}
