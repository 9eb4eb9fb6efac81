-- Up Migration
-- Chunks take the key groups in order of their first line, so each chunk is a run of first lines:
-- chunk_first_lines[k + 1] is the first line of chunk k. A row alone with its import key (nearly
-- every row of a real file) belongs to the chunk whose run holds its line, and needs no row in
-- t_job_batch_group; only keys on several rows are recorded there. Staging writes a few rows where
-- it wrote one per key, and a chunk reads most of its rows by a range of lines.
-- Null for batches staged before: every key group of theirs has its row in t_job_batch_group.
ALTER TABLE t_job_batch ADD COLUMN chunk_first_lines integer[];

-- Down Migration
ALTER TABLE t_job_batch DROP COLUMN chunk_first_lines;
