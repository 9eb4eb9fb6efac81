-- Up Migration
-- A job batch is one import request; its rows are staged in t_job_batch_row, which the chunk
-- workers read and write back their outcome to.

CREATE TABLE t_job_batch (
  id uuid PRIMARY KEY,
  type varchar(50) NOT NULL DEFAULT 'csv-import',
  status varchar(20) NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'active', 'aggregating', 'completed', 'failed')),
  id_initiator integer NOT NULL REFERENCES t_caver (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  total_rows integer NOT NULL CHECK (total_rows > 0),
  chunk_size integer NOT NULL CHECK (chunk_size > 0),
  total_chunks integer NOT NULL CHECK (total_chunks > 0),
  completed_chunks integer NOT NULL DEFAULT 0,
  successes integer NOT NULL DEFAULT 0,
  duplicates integer NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  result jsonb,
  -- The CSV header in the file's order (jsonb rows forget it): failures.csv repeats it.
  columns jsonb NOT NULL DEFAULT '[]',
  CONSTRAINT t_job_batch_counters CHECK (
    completed_chunks <= total_chunks AND successes + duplicates + failures <= total_rows
  )
);

CREATE INDEX t_job_batch_initiator_idx ON t_job_batch (id_initiator, created_at DESC);
CREATE INDEX t_job_batch_created_idx ON t_job_batch (created_at DESC);

CREATE TABLE t_job_batch_row (
  id_job_batch uuid NOT NULL REFERENCES t_job_batch (id) ON DELETE CASCADE,
  line integer NOT NULL,
  chunk integer NOT NULL,
  data jsonb NOT NULL,
  outcome varchar(10) CHECK (outcome IN ('success', 'duplicate', 'failure')),
  message text,
  id_entrance integer,
  id_cave integer,
  PRIMARY KEY (id_job_batch, line),
  CONSTRAINT t_job_batch_row_outcome_message CHECK (outcome IS NULL OR outcome = 'success' OR message IS NOT NULL)
);

CREATE INDEX t_job_batch_row_chunk_idx ON t_job_batch_row (id_job_batch, chunk);

-- Down Migration
DROP TABLE t_job_batch_row, t_job_batch;
