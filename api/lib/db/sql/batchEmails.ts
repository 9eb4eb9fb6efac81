/**
 * The completion email's claim on its batch row (t_job_batch.email_state): taken before the email is
 * sent, kept fresh while it is, and given the outcome after, so that no two attempts ever send it.
 */
import type { Queryable } from '../pool';
import type { EmailState } from './batches';

/**
 * Claims the sending of an ended batch's email: true for exactly one caller until it records the
 * outcome or, if it died, until its claim is older than `staleSeconds` (longer than any SMTP
 * exchange can last, so a slow server never sees the same email twice).
 */
export async function claimEmail(db: Queryable, batchId: string, staleSeconds: number): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE t_job_batch SET email_state = 'sending', email_state_at = now()
      WHERE id = $1 AND status IN ('completed', 'failed', 'cancelled')
        AND (email_state IS NULL
             OR (email_state = 'sending' AND email_state_at < now() - make_interval(secs => $2)))
      RETURNING id`,
    [batchId, staleSeconds],
  );
  return rows.length === 1;
}

/** Keeps a claim on an email fresh while its attempt is still talking to the mail server. */
export async function refreshEmailClaim(db: Queryable, batchId: string): Promise<void> {
  await db.query(`UPDATE t_job_batch SET email_state_at = now() WHERE id = $1 AND email_state = 'sending'`, [
    batchId,
  ]);
}

/** Records what became of a claimed email; `null` gives the claim back for a later attempt. */
export async function recordEmailState(
  db: Queryable,
  batchId: string,
  state: Exclude<EmailState, 'sending'> | null,
  error: string | null = null,
): Promise<void> {
  await db.query(
    `UPDATE t_job_batch SET email_state = $2, email_state_at = now(), email_error = $3
      WHERE id = $1 AND email_state = 'sending'`,
    [batchId, state, error],
  );
}
