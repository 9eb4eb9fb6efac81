-- Up Migration
-- Staged rows keep their cells as a JSON array of values in the order of the batch's columns
-- (t_job_batch.columns; see api/lib/db/stagedRowFormat.ts), no longer as an object repeating every
-- column name. The column is renamed with the format, so code from before this migration, still
-- running in another process while this version starts, errors on the new rows (and its attempts
-- are retried) instead of reading an array as a row without cells and importing every row of a
-- batch as a failure. Rows staged before are objects: the new code reads both.
ALTER TABLE t_job_batch_row RENAME COLUMN data TO cells;

-- Down Migration
-- The code before this migration reads objects only: rows staged as arrays become objects again
-- (a null value was a column left out, and is left out).
UPDATE t_job_batch_row r
   SET cells = (SELECT COALESCE(json_object_agg(c.name, v.value ORDER BY v.i) FILTER (WHERE json_typeof(v.value) <> 'null'),
                                '{}'::json)
                  FROM json_array_elements(r.cells) WITH ORDINALITY AS v(value, i)
                  JOIN jsonb_array_elements_text(b.columns) WITH ORDINALITY AS c(name, i) ON c.i = v.i)
  FROM t_job_batch b
 WHERE b.id = r.id_job_batch AND json_typeof(r.cells) = 'array';
ALTER TABLE t_job_batch_row RENAME COLUMN cells TO data;
