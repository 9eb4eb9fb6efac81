/**
 * t_import_request: the Idempotency-Key of each accepted import (SPEC 13). A key is the caller's
 * for 24 hours: the same key with the same body answers the original batch, with another body a 409.
 */
import type { Queryable } from '../pool';

/** How long a key names its first import. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

export interface ImportRequest {
  caverId: number;
  key: string;
  /** sha256 of the body's media type and bytes, in hex. */
  bodyDigest: string;
  batchId: string;
}

/**
 * Records the key for this batch, in the batch's transaction; returns null when it is now this
 * batch's, or the import that holds it (its batch and body digest) when another one took it within
 * the window. Two requests with one key are serialised by the primary key: the second waits for the
 * first to commit or roll back, so concurrent duplicates create one batch.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  request: ImportRequest,
): Promise<{ batchId: string; bodyDigest: string } | null> {
  const claimed = await db.query(
    // clock_timestamp(), not now(): the transaction began when the upload did, maybe minutes ago.
    `INSERT INTO t_import_request (id_caver, idempotency_key, body_digest, id_job_batch, created_at)
     VALUES ($1, $2, $3, $4, clock_timestamp())
     ON CONFLICT (id_caver, idempotency_key) DO UPDATE
       SET body_digest = EXCLUDED.body_digest, id_job_batch = EXCLUDED.id_job_batch,
           created_at = EXCLUDED.created_at
       WHERE t_import_request.created_at < clock_timestamp() - make_interval(hours => $5)
     RETURNING 1`,
    [request.caverId, request.key, request.bodyDigest, request.batchId, IDEMPOTENCY_WINDOW_HOURS],
  );
  if (claimed.rows.length) return null;
  const { rows } = await db.query<{ batchId: string; bodyDigest: string }>(
    `SELECT id_job_batch AS "batchId", body_digest AS "bodyDigest"
       FROM t_import_request WHERE id_caver = $1 AND idempotency_key = $2`,
    [request.caverId, request.key],
  );
  return rows[0];
}

/** The import that holds the caller's key within the window, or null. */
export async function findIdempotencyKey(
  db: Queryable,
  caverId: number,
  key: string,
): Promise<{ batchId: string; bodyDigest: string } | null> {
  const { rows } = await db.query<{ batchId: string; bodyDigest: string }>(
    `SELECT id_job_batch AS "batchId", body_digest AS "bodyDigest" FROM t_import_request
      WHERE id_caver = $1 AND idempotency_key = $2
        AND created_at >= clock_timestamp() - make_interval(hours => $3)`,
    [caverId, key, IDEMPOTENCY_WINDOW_HOURS],
  );
  return rows[0] ?? null;
}

/** Forgets the keys past their window (housekeeping); returns how many. */
export async function deleteExpiredIdempotencyKeys(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ deleted: number }>(
    `WITH deleted AS (
       DELETE FROM t_import_request WHERE created_at < now() - make_interval(hours => $1) RETURNING 1
     ) SELECT count(*)::int AS deleted FROM deleted`,
    [IDEMPOTENCY_WINDOW_HOURS],
  );
  return rows[0].deleted;
}
