-- Up Migration
-- Batch control (SPEC 13):
-- * `cancelled`, a final status: the initiator or an administrator stopped the batch; the rows it
--   never processed are failures. cancelled_at/id_canceller say when and who asked.
-- * reverted_at/id_reverter: an administrator soft-deleted what the batch created.
-- * t_import_request: the Idempotency-Key of each accepted import, so that a retried upload answers
--   the original 202 instead of importing twice (kept 24 hours).

ALTER TABLE t_job_batch DROP CONSTRAINT t_job_batch_status_check;
ALTER TABLE t_job_batch
  ADD CONSTRAINT t_job_batch_status_check
    CHECK (status IN ('pending', 'active', 'aggregating', 'completed', 'failed', 'cancelled')),
  ADD COLUMN cancelled_at timestamptz,
  ADD COLUMN id_canceller integer REFERENCES t_caver (id),
  ADD COLUMN reverted_at timestamptz,
  ADD COLUMN id_reverter integer REFERENCES t_caver (id),
  ADD CONSTRAINT t_job_batch_reverted_when_final
    CHECK (reverted_at IS NULL OR status IN ('completed', 'failed', 'cancelled'));

DROP INDEX t_job_batch_email_pending_idx;
CREATE INDEX t_job_batch_email_pending_idx ON t_job_batch (completed_at)
  WHERE status IN ('completed', 'failed', 'cancelled') AND (email_state IS NULL OR email_state = 'sending');

CREATE TABLE t_import_request (
  id_caver integer NOT NULL REFERENCES t_caver (id),
  idempotency_key varchar(255) NOT NULL,
  -- sha256 of the body's media type and bytes: the same key with another body is a 409.
  body_digest char(64) NOT NULL,
  id_job_batch uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id_caver, idempotency_key)
);
CREATE INDEX t_import_request_created_idx ON t_import_request (created_at);

-- Down Migration
DROP TABLE t_import_request;
DROP INDEX t_job_batch_email_pending_idx;
CREATE INDEX t_job_batch_email_pending_idx ON t_job_batch (completed_at)
  WHERE status IN ('completed', 'failed') AND (email_state IS NULL OR email_state = 'sending');
ALTER TABLE t_job_batch
  DROP CONSTRAINT t_job_batch_reverted_when_final,
  DROP COLUMN cancelled_at, DROP COLUMN id_canceller, DROP COLUMN reverted_at, DROP COLUMN id_reverter,
  DROP CONSTRAINT t_job_batch_status_check,
  ADD CONSTRAINT t_job_batch_status_check
    CHECK (status IN ('pending', 'active', 'aggregating', 'completed', 'failed'));
