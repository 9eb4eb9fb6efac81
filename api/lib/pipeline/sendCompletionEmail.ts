/**
 * Step 7, the completion email: tells the initiator of an ended batch, in their language, what
 * became of their rows and where the reports are.
 */

import { isFinalStatus } from '../core/types';
import type { Queryable } from '../db/pool';
import { findBatch } from '../db/sql/batches';
import { findCaverContact } from '../db/sql/cavers';
import { localeFor, renderCompletionEmail } from '../notifications/emailTemplates';
import type { Mailer } from '../notifications/mailer';

export interface EmailDependencies {
  db: Queryable;
  mailer: Mailer;
  /** The absolute URL of a batch's status, for the email's link. */
  jobUrl(batchId: string): string;
}

/**
 * What became of a batch's email: `sent`; `opted-out` when the initiator turned notification emails
 * off (SPEC 12.4: their in-app notification is there all the same); `nobody` when there is nobody to
 * write to (no such batch, not ended, or an initiator without an address).
 */
export type EmailOutcome = 'sent' | 'opted-out' | 'nobody';

export async function sendCompletionEmail(deps: EmailDependencies, batchId: string): Promise<EmailOutcome> {
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
    reportUrls: batch.result.reportUrls,
    error: batch.result.error,
    statusUrl: deps.jobUrl(batch.id),
  });
  await deps.mailer.send(initiator.mail, email);
  return 'sent';
}
