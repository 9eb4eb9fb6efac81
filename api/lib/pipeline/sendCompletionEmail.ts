/**
 * Step 7, the completion email: tells the initiator of an ended batch, in their language, what
 * became of their rows and where the reports are.
 */

import { coerceError } from '../core/errors';
import { isFinalStatus } from '../core/types';
import type { Queryable } from '../db/pool';
import { claimEmail, recordEmailState, refreshEmailClaim } from '../db/sql/batchEmails';
import { findBatch } from '../db/sql/batches';
import { findCaverContact } from '../db/sql/cavers';
import { localeFor, renderCompletionEmail } from '../notifications/emailTemplates';
import type { Mailer } from '../notifications/mailer';
import { signedReportUrls } from '../reports/csvReports';
import type { ReportStorage } from '../storage';

export interface EmailDependencies {
  db: Queryable;
  mailer: Mailer;
  /** Signs the report links the email gives (valid for the link lifetime from the sending). */
  storage: ReportStorage;
  /** The absolute URL of a batch's status, for the email's link. */
  jobUrl(batchId: string): string;
  /** When a claim is stale and how often the attempt sending refreshes it (tests shorten both). */
  claim?: { staleSeconds: number; refreshMs: number };
}

/**
 * What became of a batch's email: `sent`; `opted-out` when the initiator turned notification emails
 * off (SPEC 12.4: their in-app notification is there all the same); `nobody` when there is nobody to
 * write to (no such batch, not ended, or an initiator without an address); `undeliverable` when the
 * mail server refused it for good; `already` when another attempt sent it or is sending it.
 */
export type EmailOutcome = 'sent' | 'opted-out' | 'nobody' | 'undeliverable' | 'already';

/**
 * A claim not refreshed for this long belonged to an attempt that died: the attempt sending refreshes
 * it every EMAIL_CLAIM_REFRESH_MS, however long a slow server keeps it talking.
 */
export const EMAIL_CLAIM_STALE_SECONDS = 300;
const EMAIL_CLAIM_REFRESH_MS = 60_000;

/**
 * Sends the email at most once: the batch row is claimed first (and the claim kept fresh while the
 * server is slow), so two attempts (a retry racing a slow one, the recovery sweep racing the queue)
 * never both send; the outcome is recorded after.
 * A transient failure gives the claim back and throws, for the queue to retry.
 */
export async function sendCompletionEmail(deps: EmailDependencies, batchId: string): Promise<EmailOutcome> {
  const claim = deps.claim ?? { staleSeconds: EMAIL_CLAIM_STALE_SECONDS, refreshMs: EMAIL_CLAIM_REFRESH_MS };
  if (!(await claimEmail(deps.db, batchId, claim.staleSeconds))) return 'already';
  let outcome: EmailOutcome;
  // A server trickling its answers past the claim's staleness would otherwise let a retry (the job
  // expired meanwhile) claim the email again and send it a second time.
  const keepClaim = setInterval(() => {
    refreshEmailClaim(deps.db, batchId).catch(() => {});
  }, claim.refreshMs);
  try {
    outcome = await deliver(deps, batchId);
  } catch (error) {
    if (!isPermanentRefusal(error)) {
      await recordEmailState(deps.db, batchId, null);
      throw error;
    }
    await recordEmailState(deps.db, batchId, 'undeliverable', coerceError(error).message);
    return 'undeliverable';
  } finally {
    clearInterval(keepClaim);
  }
  await recordEmailState(deps.db, batchId, outcome === 'sent' ? 'sent' : 'skipped');
  return outcome;
}

/** An SMTP 5xx answer (an unknown mailbox, a rejected sender): trying again would change nothing. */
function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

async function deliver(deps: EmailDependencies, batchId: string): Promise<'sent' | 'opted-out' | 'nobody'> {
  const batch = await findBatch(deps.db, batchId);
  if (!batch?.result || !isFinalStatus(batch.status)) return 'nobody';
  const initiator = await findCaverContact(deps.db, batch.id_initiator);
  if (!initiator?.mail) return 'nobody';
  if (!initiator.send_notification_by_email) {
    await deps.mailer.skip?.(initiator.mail, `${initiator.nickname} turned notification emails off`);
    return 'opted-out';
  }
  const email = renderCompletionEmail({
    locale: localeFor(initiator.id_language),
    nickname: initiator.nickname,
    status: batch.status,
    totalRows: batch.total_rows,
    startedAt: new Date(batch.created_at),
    summary: batch.result.summary,
    reportUrls: await signedReportUrls(deps.storage, batch.id, batch.result.reportUrls),
    error: batch.result.error,
    statusUrl: deps.jobUrl(batch.id),
  });
  await deps.mailer.send(initiator.mail, email);
  return 'sent';
}
