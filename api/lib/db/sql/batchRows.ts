/**
 * t_job_batch_row: every row of a batch, staged by the POST, carrying its outcome once its chunk is
 * imported. Chunks, progress, reports and recovery all read this one table, keyed by (batch, line).
 */
import type { OutcomeCounts, OutcomeKind, RowOutcome } from '../../core/types';
import type { Queryable } from '../pool';

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

export interface StagedRow {
  line: number;
  data: Record<string, unknown>;
}

/**
 * The rows of a chunk that have no outcome yet, in line order, locked: a stale attempt of the same
 * job that is still running waits here instead of interleaving with this one.
 */
export async function lockUnfinishedChunkRows(
  db: Queryable,
  batchId: string,
  chunk: number,
): Promise<StagedRow[]> {
  const { rows } = await db.query<StagedRow>(
    `SELECT line, data FROM t_job_batch_row
      WHERE id_job_batch = $1 AND chunk = $2 AND outcome IS NULL
      ORDER BY line FOR UPDATE`,
    [batchId, chunk],
  );
  return rows;
}

export async function recordRowOutcomes(
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

/** The outcome counts as the staged rows record them (the summary's source of truth), and the rows still without one. */
export async function countRowOutcomes(
  db: Queryable,
  batchId: string,
): Promise<OutcomeCounts & { pending: number }> {
  const { rows } = await db.query<OutcomeCounts & { pending: number }>(
    `SELECT count(*) FILTER (WHERE outcome = 'success')::int AS successes,
            count(*) FILTER (WHERE outcome = 'duplicate')::int AS duplicates,
            count(*) FILTER (WHERE outcome = 'failure')::int AS failures,
            count(*) FILTER (WHERE outcome IS NULL)::int AS pending
       FROM t_job_batch_row WHERE id_job_batch = $1`,
    [batchId],
  );
  return rows[0];
}

export interface FinishedRow extends StagedRow {
  message: string | null;
  id_entrance: number | null;
  id_cave: number | null;
  /** The entrance duplicate a duplicate row recorded, while it is not resolved. */
  id_entrance_duplicate: number | null;
}

/** One page of the rows with this outcome, in line order, after `afterLine` (keyset pagination). */
export async function readOutcomePage(
  db: Queryable,
  batchId: string,
  outcome: OutcomeKind,
  afterLine: number,
  limit: number,
): Promise<FinishedRow[]> {
  const { rows } = await db.query<FinishedRow>(
    `SELECT r.line, r.data, r.message, r.id_entrance, r.id_cave, d.id AS id_entrance_duplicate
       FROM t_job_batch_row r
       LEFT JOIN t_entrance_duplicate d ON d.id_job_batch = r.id_job_batch AND d.line = r.line
      WHERE r.id_job_batch = $1 AND r.outcome = $2 AND r.line > $3
      ORDER BY r.line LIMIT $4`,
    [batchId, outcome, afterLine, limit],
  );
  return rows;
}

/** Deletes up to `limit` of a batch's staged rows (data and outcomes), in line order; returns how many. */
export async function deleteStagedRows(db: Queryable, batchId: string, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM t_job_batch_row WHERE id_job_batch = $1
          AND line IN (SELECT line FROM t_job_batch_row WHERE id_job_batch = $1 ORDER BY line LIMIT $2)
       RETURNING 1
     ) SELECT count(*)::int AS n FROM gone`,
    [batchId, limit],
  );
  return rows[0].n;
}
