-- Up Migration
-- Chunks take the key groups in order of their first line, so each chunk is a run of first lines:
-- chunk_first_lines[k + 1] is the first line of chunk k. A row alone with its import key (nearly
-- every row of a real file) belongs to the chunk whose run holds its line, and needs no row in
-- t_job_batch_group; only keys on several rows are recorded there. Staging writes a few rows where
-- it wrote one per key, and a chunk reads most of its rows by a range of lines.
-- Null for batches staged before: every key group of theirs has its row in t_job_batch_group.
ALTER TABLE t_job_batch
  ADD COLUMN chunk_first_lines integer[],
  ADD CONSTRAINT t_job_batch_chunk_first_lines
    CHECK (chunk_first_lines IS NULL OR cardinality(chunk_first_lines) = total_chunks);

-- Down Migration
-- The code before this migration finds every row of a chunk through its key's group: record the
-- groups of the rows placed by their line first, or they would never be imported.
INSERT INTO t_job_batch_group (id_job_batch, key_hash, chunk)
SELECT r.id_job_batch, r.key_hash, width_bucket(r.line, b.chunk_first_lines) - 1
  FROM t_job_batch b
  JOIN t_job_batch_row r ON r.id_job_batch = b.id
 WHERE b.chunk_first_lines IS NOT NULL
ON CONFLICT (id_job_batch, key_hash) DO NOTHING;
ALTER TABLE t_job_batch DROP COLUMN chunk_first_lines;
