-- Up Migration
-- Staging shaped for speed and for streamed files (issue 11):
-- * A row's outcome goes to its own narrow table: recording it is an INSERT, not an UPDATE that
--   rewrites the row's whole data, and the chunk no longer locks each staged row.
-- * A row is staged with the hash of its import key, not its chunk: a streamed file is staged as it
--   arrives, then its key groups are placed into chunks (t_job_batch_group), in order of their
--   first line, without rewriting any staged row.
-- * Staged data is `json`, stored as sent: nothing decomposes it on the way in, and it keeps the
--   row's column order.
-- * No foreign key from staged rows, outcomes or imported cave data to t_job_batch: each one made
--   every inserted row share-lock the same batch row (batches are never deleted).

CREATE TABLE t_job_batch_outcome (
  id_job_batch uuid NOT NULL,
  line integer NOT NULL,
  outcome varchar(10) NOT NULL CHECK (outcome IN ('success', 'duplicate', 'failure')),
  message text,
  id_entrance integer,
  id_cave integer,
  PRIMARY KEY (id_job_batch, line),
  CONSTRAINT t_job_batch_outcome_message CHECK (outcome = 'success' OR message IS NOT NULL)
);

INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message, id_entrance, id_cave)
SELECT id_job_batch, line, outcome, message, id_entrance, id_cave
  FROM t_job_batch_row WHERE outcome IS NOT NULL;

CREATE TABLE t_job_batch_group (
  id_job_batch uuid NOT NULL,
  key_hash bigint NOT NULL,
  chunk integer NOT NULL,
  PRIMARY KEY (id_job_batch, key_hash)
);
CREATE INDEX t_job_batch_group_chunk_idx ON t_job_batch_group (id_job_batch, chunk);

-- Rows staged before this migration keep their chunk: each becomes a group of its own.
ALTER TABLE t_job_batch_row ADD COLUMN key_hash bigint;
UPDATE t_job_batch_row SET key_hash = -line;
INSERT INTO t_job_batch_group (id_job_batch, key_hash, chunk)
SELECT id_job_batch, key_hash, chunk FROM t_job_batch_row;

ALTER TABLE t_job_batch_row
  DROP CONSTRAINT t_job_batch_row_outcome_message,
  DROP CONSTRAINT t_job_batch_row_id_job_batch_fkey,
  DROP COLUMN chunk,
  DROP COLUMN outcome,
  DROP COLUMN message,
  DROP COLUMN id_entrance,
  DROP COLUMN id_cave,
  ALTER COLUMN key_hash SET NOT NULL,
  ALTER COLUMN data TYPE json USING data::json;
CREATE INDEX t_job_batch_row_key_idx ON t_job_batch_row (id_job_batch, key_hash);

ALTER TABLE t_cave DROP CONSTRAINT t_cave_id_job_batch_fkey;
ALTER TABLE t_entrance DROP CONSTRAINT t_entrance_id_job_batch_fkey;
ALTER TABLE t_name DROP CONSTRAINT t_name_id_job_batch_fkey;
ALTER TABLE t_description DROP CONSTRAINT t_description_id_job_batch_fkey;
ALTER TABLE t_location DROP CONSTRAINT t_location_id_job_batch_fkey;
ALTER TABLE t_entrance_duplicate DROP CONSTRAINT t_entrance_duplicate_id_job_batch_fkey;

-- Down Migration
-- Not reversible without data loss: outcomes and groups would have to be folded back into staged rows.
