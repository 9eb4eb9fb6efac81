/**
 * The pg-boss queues of the import pipeline and their retry policies.
 *
 *   chunk ──(each chunk, same transaction)──▶ completion-check ──(winner only)──▶ aggregate ──▶ email
 *     └─ retries exhausted ─▶ chunk-dead                 aggregate retries exhausted ─▶ aggregate-dead
 */
import type { Queue } from 'pg-boss';
import type { Settings } from '../core/settings';
import { QUEUES } from '../core/types';

/** Every minute, one process checks that no batch has lost the job of its next step. */
export const RECOVERY_CRON = '* * * * *';

const DAY = 24 * 3600;

/** Queue definitions, dead-letter queues first: a queue can only name one that exists. */
export function queueDefinitions(settings: Settings['queue']): [string, Omit<Queue, 'name'>][] {
  // notify: a new job wakes a worker at once (LISTEN/NOTIFY) instead of waiting for its next poll.
  const common = { retentionSeconds: 14 * DAY, deleteAfterSeconds: 7 * DAY, notify: true };
  return [
    [QUEUES.chunkDead, { ...common, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 }],
    [
      QUEUES.aggregateDead,
      { ...common, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
    ],
    [
      QUEUES.chunk,
      {
        ...common,
        retryLimit: settings.chunkRetryLimit,
        retryDelay: settings.chunkRetryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: 300,
        expireInSeconds: settings.chunkExpireSeconds,
        deadLetter: QUEUES.chunkDead,
      },
    ],
    [
      QUEUES.completionCheck,
      { ...common, retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 },
    ],
    [
      QUEUES.aggregate,
      {
        ...common,
        retryLimit: settings.aggregateRetryLimit,
        retryDelay: settings.aggregateRetryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: 600,
        expireInSeconds: settings.aggregateExpireSeconds,
        deadLetter: QUEUES.aggregateDead,
      },
    ],
    [QUEUES.email, { ...common, retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 }],
    // Singleton: one sweep at a time across every process, however many schedules fire.
    [QUEUES.recovery, { ...common, policy: 'singleton', retryLimit: 0, expireInSeconds: 300 }],
  ];
}
