-- Up Migration
-- One index for a batch's entrance duplicates, by line. duplicates.csv looks up each duplicate
-- row's entrance duplicate by (batch, line); beside a second index on the batch alone, the planner,
-- on statistics that lag behind a batch being imported, took that one and read every entrance
-- duplicate of the batch for each row (8,000,000 index entries for a window of 1,000 rows). The
-- index stays unique: rows without a line never collide (nulls are distinct).
-- Built before the old ones are dropped: while it builds, writes to t_entrance_duplicate wait and
-- reads go on; the drops, which lock out reads too, come last (the migrations of one start commit
-- together, so the processes of the previous version must be stopped first, as README says).
CREATE UNIQUE INDEX t_entrance_duplicate_batch_line_key_new ON t_entrance_duplicate (id_job_batch, line);
DROP INDEX t_entrance_duplicate_batch_line_key;
DROP INDEX t_entrance_duplicate_batch_idx;
ALTER INDEX t_entrance_duplicate_batch_line_key_new RENAME TO t_entrance_duplicate_batch_line_key;

-- Down Migration
DROP INDEX t_entrance_duplicate_batch_line_key;
CREATE INDEX t_entrance_duplicate_batch_idx ON t_entrance_duplicate (id_job_batch);
CREATE UNIQUE INDEX t_entrance_duplicate_batch_line_key ON t_entrance_duplicate (id_job_batch, line)
  WHERE line IS NOT NULL;
