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
/** Every hour, one process deletes the staged rows of batches past their retention. */
export const HOUSEKEEPING_CRON = '17 * * * *';

const DAY = 24 * 3600;

/**
 * The completion email is retried for more than a day (60 s, doubling to an hour, 30 times), then
 * goes to its dead letter, and the recovery sweep starts it over: an SMTP outage delays it, never
 * loses it. Its expiry outlasts the mailer's own timeouts (see notifications/mailer.ts), so a slow
 * server is never sent the same email by a second attempt.
 */
const EMAIL_RETRY = {
  retryLimit: 30,
  retryDelay: 60,
  retryBackoff: true,
  retryDelayMax: 3600,
  expireInSeconds: 600,
};

/** Queue definitions, dead-letter queues first: a queue can only name one that exists. */
export function queueDefinitions(settings: Settings['queue']): [string, Omit<Queue, 'name'>][] {
  // notify: a new job wakes a worker at once (LISTEN/NOTIFY) instead of waiting for its next poll.
  // heartbeatSeconds: a running job refreshes its claim; one whose process died or whose connection
  // went with the database stops, and the supervisor fails it back for a retry within a minute,
  // long before its expiry.
  const common = {
    retentionSeconds: 14 * DAY,
    deleteAfterSeconds: 7 * DAY,
    notify: true,
    heartbeatSeconds: settings.heartbeatSeconds,
  };
  const deadLetter = { ...common, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 };
  return [
    [QUEUES.chunkDead, deadLetter],
    [QUEUES.aggregateDead, deadLetter],
    [QUEUES.emailDead, deadLetter],
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
    [
      QUEUES.email,
      {
        ...common,
        ...EMAIL_RETRY,
        retryLimit: settings.emailRetryLimit,
        retryDelay: settings.emailRetryDelaySeconds,
        deadLetter: QUEUES.emailDead,
      },
    ],
    // Singletons: one sweep at a time across every process, however many schedules fire.
    [QUEUES.recovery, { ...common, policy: 'singleton', retryLimit: 0, expireInSeconds: 300 }],
    [QUEUES.housekeeping, { ...common, policy: 'singleton', retryLimit: 0, expireInSeconds: 3600 }],
  ];
}
