-- Up Migration
-- The cells the success and duplicates reports show of a row (its coordinates and name, its import
-- key), kept with its outcome when its chunk records it: those reports then read the narrow outcome
-- table alone, instead of reading back and parsing every staged row. Null for failures (their report
-- shows the whole row) and for outcomes recorded before this column existed.
ALTER TABLE t_job_batch_outcome ADD COLUMN report_cells json;

-- Down Migration
ALTER TABLE t_job_batch_outcome DROP COLUMN report_cells;
