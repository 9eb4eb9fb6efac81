import { statusUrl } from '../batches/batchPresenter';
import { findBatch } from '../batches/batchRepository';
import type { Queryable } from '../db/pool';
import { localeFor, renderCompletionEmail } from './emailTemplates';
import type { Mailer } from './mailer';

/**
 * Emails the initiator of a finished batch in their language. Returns false when there is nobody
 * to write to (no such batch, not finished, or an initiator without an address).
 */
export async function sendCompletionEmail(
  db: Queryable,
  mailer: Mailer,
  publicUrl: string,
  batchId: string,
): Promise<boolean> {
  const batch = await findBatch(db, batchId);
  if (!batch?.result || (batch.status !== 'completed' && batch.status !== 'failed')) return false;
  const { rows } = await db.query<{ mail: string | null; nickname: string; id_language: string }>(
    'SELECT mail, nickname, id_language FROM t_caver WHERE id = $1',
    [batch.id_initiator],
  );
  const initiator = rows[0];
  if (!initiator?.mail) return false;
  const email = renderCompletionEmail({
    locale: localeFor(initiator.id_language),
    nickname: initiator.nickname,
    status: batch.status,
    totalRows: batch.total_rows,
    startedAt: new Date(batch.created_at),
    summary: batch.result.summary,
    reportUrls: batch.result.reportUrls,
    error: batch.result.error,
    statusUrl: `${publicUrl}${statusUrl(batch.id)}`,
  });
  await mailer.send(initiator.mail, email);
  return true;
}
