-- Up Migration
-- What became of a batch's completion email, so that it is sent once however often its job runs,
-- and found again by the recovery sweep when every retry failed; and when the staged row data of an
-- ended batch was deleted (IMPORT_RETENTION_DAYS).
--   email_state: NULL not sent yet | 'sending' claimed by a job (since email_state_at) |
--                'sent' | 'skipped' (opted out, or nobody to write to) | 'undeliverable' (refused by the server)

ALTER TABLE t_job_batch
  ADD COLUMN email_state varchar(13)
    CHECK (email_state IN ('sending', 'sent', 'skipped', 'undeliverable')),
  ADD COLUMN email_state_at timestamptz,
  ADD COLUMN email_error text,
  ADD COLUMN rows_deleted_at timestamptz;

-- Batches ended before this migration were emailed (or given up) by the code of their time.
UPDATE t_job_batch SET email_state = 'sent', email_state_at = completed_at
 WHERE status IN ('completed', 'failed');

-- The sweeps look for ended batches with an email to send, or rows to delete.
CREATE INDEX t_job_batch_email_pending_idx ON t_job_batch (completed_at)
  WHERE status IN ('completed', 'failed') AND (email_state IS NULL OR email_state = 'sending');
CREATE INDEX t_job_batch_rows_kept_idx ON t_job_batch (completed_at)
  WHERE completed_at IS NOT NULL AND rows_deleted_at IS NULL;

-- Down Migration
ALTER TABLE t_job_batch
  DROP COLUMN email_state, DROP COLUMN email_state_at, DROP COLUMN email_error, DROP COLUMN rows_deleted_at;
