/**
 * t_job_batch_outcome: what became of each staged row, inserted by its chunk (a row without one is
 * unfinished), with the cells its report shows; read by progress, recovery and the reports.
 */
import type { OutcomeCounts, OutcomeKind, RowOutcome } from '../../core/types';
import { copyRows } from '../copyRows';
import type { Queryable } from '../pool';
import { stagedCellsInTurns } from '../stagedRowFormat';
import { unfinishedChunkRows } from './batchRows';

/**
 * Records each row's outcome, one COPY for the whole chunk, with the cells its report shows (JSON
 * text, or null: `reportCells[i]` goes with `outcomes[i]`). `db` must be the chunk's transaction.
 */
export async function insertRowOutcomes(
  db: Queryable,
  batchId: string,
  outcomes: readonly RowOutcome[],
  reportCells: readonly (string | null)[] = [],
): Promise<void> {
  await copyRows(
    db,
    't_job_batch_outcome',
    ['id_job_batch', 'line', 'outcome', 'message', 'id_entrance', 'id_cave', 'report_cells'],
    outcomes.map((o, i) => [
      batchId,
      o.line,
      o.outcome,
      o.outcome === 'success' ? null : o.message,
      o.outcome === 'failure' ? null : o.entranceId,
      o.outcome === 'success' ? o.caveId : null,
      reportCells[i] ?? null,
    ]),
  );
}

/** Turns the rows of this chunk that have no outcome yet into failures; returns how many. */
export async function failUnfinishedRows(
  db: Queryable,
  batchId: string,
  chunk: number,
  message: string,
): Promise<number> {
  const source = await unfinishedChunkRows(db, batchId, chunk);
  const { rows } = await db.query<{ failed: number }>(
    `WITH failed AS (
       INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message)
       SELECT r.id_job_batch, r.line, 'failure', $5 FROM (${source.text}) AS r
       ON CONFLICT (id_job_batch, line) DO NOTHING
       RETURNING 1
     ) SELECT count(*)::int AS failed FROM failed`,
    [...source.values, message],
  );
  return rows[0].failed;
}

/** The outcome counts as recorded (the summary's source of truth), and the rows still without one. */
export async function countRowOutcomes(
  db: Queryable,
  batchId: string,
): Promise<OutcomeCounts & { pending: number }> {
  const { rows } = await db.query<OutcomeCounts & { pending: number }>(
    `SELECT count(*) FILTER (WHERE o.outcome = 'success')::int AS successes,
            count(*) FILTER (WHERE o.outcome = 'duplicate')::int AS duplicates,
            count(*) FILTER (WHERE o.outcome = 'failure')::int AS failures,
            (b.total_rows - count(o.line))::int AS pending
       FROM t_job_batch b LEFT JOIN t_job_batch_outcome o ON o.id_job_batch = b.id
      WHERE b.id = $1
      GROUP BY b.total_rows`,
    [batchId],
  );
  return rows[0];
}

export interface FinishedRow {
  line: number;
  /** The row as staged; only read when its report needs more than `report_cells`. */
  data: Record<string, unknown> | null;
  /** The cells its report shows, kept with its outcome (null for a failure, or an older outcome). */
  report_cells: unknown[] | null;
  message: string | null;
  id_entrance: number | null;
  id_cave: number | null;
  /** The entrance duplicate a duplicate row recorded, while it is not resolved. */
  id_entrance_duplicate: number | null;
}

/**
 * The rows with this outcome whose lines are in (afterLine, afterLine + lines], in line order, of
 * the batch with these columns (its staged rows' form refers to them). A window of lines rather
 * than `LIMIT n`: the planner, on statistics that may predate the batch, would otherwise read every
 * remaining outcome of the batch for each page, quadratic in its size.
 */
export async function readOutcomeWindow(
  db: Queryable,
  batch: { id: string; columns: readonly string[] },
  outcome: OutcomeKind,
  afterLine: number,
  lines: number,
): Promise<FinishedRow[]> {
  const { rows } = await db.query<FinishedRow>(
    `SELECT o.line, o.report_cells, o.message, o.id_entrance, o.id_cave,
            -- Looked up row by row, through the unique index of (batch, line): as a join, on statistics
            -- that lag behind the batch, it read every entrance duplicate of the batch for each row.
            CASE WHEN o.outcome = 'duplicate' THEN
              (SELECT d.id FROM t_entrance_duplicate d
                WHERE d.id_job_batch = o.id_job_batch AND d.line = o.line AND d.line IS NOT NULL)
            END AS id_entrance_duplicate,
            -- The staged row only when the kept cells do not say enough: a failure's report shows it all.
            CASE WHEN o.report_cells IS NULL THEN
              (SELECT r.cells FROM t_job_batch_row r WHERE r.id_job_batch = o.id_job_batch AND r.line = o.line)
            END AS data
       FROM t_job_batch_outcome o
      WHERE o.id_job_batch = $1 AND o.outcome = $2 AND o.line > $3 AND o.line <= $3 + $4
      ORDER BY o.line`,
    [batch.id, outcome, afterLine, lines],
  );
  const cells = await stagedCellsInTurns(
    batch.columns,
    rows.map((row) => row.data),
  );
  rows.forEach((row, i) => {
    row.data = cells[i];
  });
  return rows;
}

/** The first line after `afterLine` with this outcome, or null when there is none. */
export async function nextOutcomeLine(
  db: Queryable,
  batchId: string,
  outcome: OutcomeKind,
  afterLine: number,
): Promise<number | null> {
  const { rows } = await db.query<{ line: number | null }>(
    'SELECT min(line) AS line FROM t_job_batch_outcome WHERE id_job_batch = $1 AND outcome = $2 AND line > $3',
    [batchId, outcome, afterLine],
  );
  return rows[0].line;
}

/** The last line of a batch that has an outcome (0 for none): where its reports end. */
export async function lastOutcomeLine(db: Queryable, batchId: string): Promise<number> {
  const { rows } = await db.query<{ line: number | null }>(
    'SELECT max(line) AS line FROM t_job_batch_outcome WHERE id_job_batch = $1',
    [batchId],
  );
  return rows[0].line ?? 0;
}
