/**
 * t_job_batch_row: every row of a batch, staged by the POST and carrying its outcome once its chunk
 * is imported. Reports, progress and recovery all read this one indexed table.
 */
import type { Queryable } from '../db/pool';
import type { RowOutcome } from './outcomes';

// Rows per INSERT: large enough that staging costs a few statements per 10,000 rows, small enough
// that neither Node nor PostgreSQL holds a whole million-row batch as one JSON value.
const STAGE_SLICE = 5000;

/** Stages all rows of a batch with one INSERT per slice of rows, each slice one JSON parameter. */
export async function stageRows(
  db: Queryable,
  batchId: string,
  rows: readonly unknown[],
  chunkOf: readonly number[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += STAGE_SLICE) {
    const end = Math.min(start + STAGE_SLICE, rows.length);
    // The row at index i is CSV line i + 2: line 1 is the header.
    await db.query(
      `INSERT INTO t_job_batch_row (id_job_batch, line, chunk, data)
       SELECT $1, $2::int + r.ordinality::int + 1, c.chunk, r.value
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS r(value, ordinality)
         JOIN unnest($4::int[]) WITH ORDINALITY AS c(chunk, ordinality) USING (ordinality)`,
      [batchId, start, JSON.stringify(rows.slice(start, end)), chunkOf.slice(start, end)],
    );
  }
}

export async function recordChunkOutcomes(
  db: Queryable,
  batchId: string,
  outcomes: readonly RowOutcome[],
): Promise<void> {
  if (!outcomes.length) return;
  await db.query(
    `UPDATE t_job_batch_row AS r
        SET outcome = o.outcome, message = o.message, id_entrance = o.id_entrance, id_cave = o.id_cave
       FROM jsonb_to_recordset($2::jsonb) AS o(line int, outcome text, message text, id_entrance int, id_cave int)
      WHERE r.id_job_batch = $1 AND r.line = o.line`,
    [
      batchId,
      JSON.stringify(
        outcomes.map((o) => ({
          line: o.line,
          outcome: o.outcome,
          message: o.outcome === 'success' ? null : o.message,
          id_entrance: o.outcome === 'failure' ? null : o.entranceId,
          id_cave: o.outcome === 'success' ? o.caveId : null,
        })),
      ),
    ],
  );
}

/** Turns the rows of a chunk that have no outcome yet into failures; returns how many. */
export async function failUnfinishedRows(
  db: Queryable,
  batchId: string,
  chunk: number,
  message: string,
): Promise<number> {
  const { rows } = await db.query<{ failed: number }>(
    `WITH failed AS (
       UPDATE t_job_batch_row SET outcome = 'failure', message = $3
        WHERE id_job_batch = $1 AND chunk = $2 AND outcome IS NULL
       RETURNING 1
     ) SELECT count(*)::int AS failed FROM failed`,
    [batchId, chunk, message],
  );
  return rows[0].failed;
}
