/**
 * The staged rows of a batch:
 * - t_job_batch_row: every row's cells (in the form stagedRowFormat.ts writes), keyed by (batch,
 *   line), with the hash of its import key;
 * - chunks: each takes a run of key groups (keyGroups.ts) in order of their first line. A row alone
 *   with its key belongs to the chunk whose run holds its line (t_job_batch.chunk_first_lines); a key
 *   on several rows has its chunk recorded in t_job_batch_group (for batches staged before migration
 *   0014, every key has). unfinishedChunkRowsSql says which rows a chunk holds, for every reader.
 * Chunks, reports and recovery all read these, never the request; what became of each row is in
 * t_job_batch_outcome (batchOutcomes.ts).
 */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Queryable } from '../pool';
import { StagedRowEncoder, stagedCellsInTurns } from '../stagedRowFormat';

export interface StagedRow {
  line: number;
  data: Record<string, unknown>;
}

export interface RowToStage {
  line: number;
  /** A 64-bit hash of the row's import key, as a decimal string (bigint). */
  keyHash: string;
  /** The row's cells by column, as staging keeps them (see stagedRowFormat.ts). */
  cells: Readonly<Record<string, unknown>>;
}

const COPY_PIECE_CHARS = 256 * 1024;

/**
 * Stages rows as they come, with one COPY: the rows stream from the request into the table, so a
 * file of any size passes through a few megabytes of memory. Returns the batch's columns, which the
 * rows' stored form refers to (t_job_batch.columns). A failing source (a malformed file, a limit)
 * aborts the COPY and rethrows; the caller's transaction then rolls everything back.
 */
export async function copyStagedRows(
  client: pg.ClientBase,
  batchId: string,
  rows: AsyncIterable<RowToStage>,
): Promise<{ columns: string[] }> {
  const encoder = new StagedRowEncoder();
  const copy = client.query(
    copyFrom('COPY t_job_batch_row (id_job_batch, line, key_hash, cells) FROM STDIN'),
  );
  const done = new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
  });
  // The COPY can fail while the loop below waits for the request (its connection lost): noted at
  // once, so the rejection is never unhandled, and thrown at the next write.
  let failure: unknown;
  done.catch((error: unknown) => {
    failure ??= error;
  });
  // Lines are sent in pieces of ~256 KB: a write per row cost a socket write per row.
  let piece = '';
  const send = async () => {
    if (failure) throw failure;
    const full = !copy.write(piece);
    piece = '';
    if (full) await once(copy, 'drain');
  };
  try {
    for await (const row of rows) {
      // COPY's text format: tab-separated fields; JSON.stringify never writes a raw tab or line break
      // (it escapes them), so only its backslashes need doubling, in one native pass.
      const json = encoder.encode(row.cells).replaceAll('\\', '\\\\');
      piece += `${batchId}\t${row.line}\t${row.keyHash}\t${json}\n`;
      if (piece.length >= COPY_PIECE_CHARS) await send();
    }
    if (piece) await send();
  } catch (error) {
    copy.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  copy.end();
  await done;
  return { columns: encoder.columns };
}

/** Past the last line a file can have: the end of the last chunk's run. */
const END_OF_LINES = 2147483647;

/** The first and last line of chunk `chunk`'s run, as SQL over the batch's chunk_first_lines. */
function chunkRunSql(firstLines: string, chunk: string): { first: string; last: string } {
  return {
    first: `${firstLines}[${chunk} + 1]`,
    last: `COALESCE(${firstLines}[${chunk} + 2] - 1, ${END_OF_LINES})`,
  };
}

/**
 * The staged rows of one chunk that have no outcome yet, as SQL over the expressions given for the
 * batch's id, the chunk, and the first and last line of its run: the rows alone with their key whose
 * line is in the run, and the rows of the keys recorded in the chunk. For a batch staged before 0014
 * the run is null, and every row comes through its key's group.
 *
 * Each "not there" is a scalar subquery, which PostgreSQL runs as one probe of an index for the row
 * at hand, a few per row: NOT EXISTS it may turn into an anti-join or a hashed subplan, and on
 * statistics that lag behind a batch being imported it did, hashing every outcome and key group the
 * batch had so far for each chunk (the last chunk of 100,000 rows read 98,000 outcomes to keep its
 * 2,000 rows): quadratic in the batch's size.
 */
function unfinishedChunkRowsSql(batch: string, chunk: string, run: { first: string; last: string }): string {
  const hasNoOutcome = `(SELECT 1 FROM t_job_batch_outcome o
                          WHERE o.id_job_batch = r.id_job_batch AND o.line = r.line LIMIT 1) IS NULL`;
  return `
  SELECT r.id_job_batch, r.line, r.cells FROM t_job_batch_row r
   WHERE r.id_job_batch = ${batch} AND r.line BETWEEN ${run.first} AND ${run.last}
     AND (SELECT 1 FROM t_job_batch_group g
           WHERE g.id_job_batch = r.id_job_batch AND g.key_hash = r.key_hash LIMIT 1) IS NULL
     AND ${hasNoOutcome}
  UNION ALL
  SELECT r.id_job_batch, r.line, r.cells
    FROM t_job_batch_group g
    JOIN t_job_batch_row r ON r.id_job_batch = g.id_job_batch AND r.key_hash = g.key_hash
   WHERE g.id_job_batch = ${batch} AND g.chunk = ${chunk} AND ${hasNoOutcome}`;
}

/**
 * A statement's source of one chunk's unfinished rows (id_job_batch, line, cells): `text` reads them
 * with `values` as its first four parameters. The run's lines are read first and given as values,
 * so the planner sees how few rows the range holds and reads them by index (as an expression over
 * the batch's array it guessed a ninth of the batch, and hashed every outcome for each chunk).
 */
export async function unfinishedChunkRows(
  db: Queryable,
  batchId: string,
  chunk: number,
): Promise<{ text: string; values: unknown[]; columns: string[] }> {
  const run = chunkRunSql('chunk_first_lines', '$2');
  const { rows } = await db.query<{ first: number | null; last: number | null; columns: string[] }>(
    `SELECT ${run.first} AS first, ${run.last} AS last, columns FROM t_job_batch WHERE id = $1`,
    [batchId, chunk],
  );
  const { first = null, last = null, columns = [] } = rows[0] ?? {};
  return {
    text: unfinishedChunkRowsSql('$1', '$2', { first: '$3::int', last: '$4::int' }),
    values: [batchId, chunk, first, last],
    columns,
  };
}

/** Whether chunk `c.chunk` of batch `b` (in the enclosing statement) has a row without an outcome. */
export const CHUNK_HAS_UNFINISHED_ROWS = `EXISTS (${unfinishedChunkRowsSql(
  'b.id',
  'c.chunk',
  chunkRunSql('b.chunk_first_lines', 'c.chunk'),
)})`;

/** Each staged row's line and chunk, in line order: for operators and tests looking at a batch. */
export async function readRowChunks(
  db: Queryable,
  batchId: string,
): Promise<{ line: number; chunk: number }[]> {
  const { rows } = await db.query<{ line: number; chunk: number }>(
    `SELECT r.line,
            COALESCE((SELECT g.chunk FROM t_job_batch_group g
                       WHERE g.id_job_batch = r.id_job_batch AND g.key_hash = r.key_hash),
                     width_bucket(r.line, b.chunk_first_lines) - 1) AS chunk
       FROM t_job_batch b JOIN t_job_batch_row r ON r.id_job_batch = b.id
      WHERE b.id = $1 ORDER BY r.line`,
    [batchId],
  );
  return rows;
}

/**
 * Refreshes the planner's statistics of a staging table, in the staging transaction (ANALYZE counts
 * the rows its own transaction inserted). Without it, a large batch is planned on statistics that
 * know nothing of its rows, until autovacuum catches up: a chunk's read was seen to take minutes
 * instead of milliseconds, and reading the key groups, planned for one row, walked the batch in
 * key order (220 ms for 100,000 rows instead of 90). The lock it takes is held to the commit, so
 * two large submissions analyse one after the other: the second waits, its rows staged, while the
 * first places its key groups and commits (a fraction of a second for 100,000 rows).
 */
export async function analyzeStagingTable(
  client: pg.ClientBase,
  table: 't_job_batch_row' | 't_job_batch_group',
): Promise<void> {
  await client.query(`ANALYZE ${table}`);
}

/**
 * Lets the caller's transaction commit before its WAL reaches the disk (synchronous_commit = off).
 * For a chunk's transaction only, which holds everything the chunk does, its job's completion
 * included: a database crash can lose the last commits, but whole and in order, and a lost chunk is
 * simply imported again. Nothing outside the database depends on it until a later step runs.
 */
export async function commitWithoutWaitingForDisk(db: Queryable): Promise<void> {
  await db.query('SET LOCAL synchronous_commit = off');
}

/**
 * Serialises the attempts of one chunk to the end of the caller's transaction: a stale attempt
 * still running waits here instead of interleaving with this one, and then finds the rows done.
 */
export async function lockChunk(db: Queryable, batchId: string, chunk: number): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))', [batchId, chunk]);
}

/**
 * The rows of a chunk that have no outcome yet, in line order, a window of `windowRows` at a time:
 * read through a cursor, so a chunk of one huge key group (a key repeated on every line of a file)
 * never sits in memory whole. The cursor sees the rows as they were when it opened: outcomes the
 * caller records between windows do not move it. Must run inside the chunk's transaction.
 */
export async function* readUnfinishedChunkRows(
  db: Queryable,
  batchId: string,
  chunk: number,
  windowRows: number,
): AsyncGenerator<StagedRow[]> {
  // Planned for all its rows, as a plain query is: for a cursor the planner favours a plan that
  // starts fast (its first tenth), and walked the batch's every row in line order for each chunk.
  await db.query('SET LOCAL cursor_tuple_fraction = 1');
  const source = await unfinishedChunkRows(db, batchId, chunk);
  await db.query(
    `DECLARE chunk_rows NO SCROLL CURSOR FOR SELECT line, cells FROM (${source.text}) AS r ORDER BY line`,
    source.values,
  );
  for (;;) {
    const { rows } = await db.query<{ line: number; cells: unknown }>(
      `FETCH ${Math.trunc(windowRows)} FROM chunk_rows`,
    );
    if (rows.length) {
      const cells = await stagedCellsInTurns(
        source.columns,
        rows.map((row) => row.cells),
      );
      yield rows.map(({ line }, i) => ({ line, data: cells[i] }));
    }
    if (rows.length < windowRows) break;
  }
  // Not in a finally: after a failed statement the transaction can run nothing, and its end closes
  // the cursor anyway.
  await db.query('CLOSE chunk_rows');
}

/**
 * Deletes up to `limit` of a batch's staged rows, in line order, and its key groups with the last of
 * them; returns how many rows. The outcomes stay: they are narrow, and say what the batch created.
 */
export async function deleteStagedRows(db: Queryable, batchId: string, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM t_job_batch_row WHERE id_job_batch = $1
          AND line IN (SELECT line FROM t_job_batch_row WHERE id_job_batch = $1 ORDER BY line LIMIT $2)
       RETURNING 1
     ) SELECT count(*)::int AS n FROM gone`,
    [batchId, limit],
  );
  if (rows[0].n === 0) await db.query('DELETE FROM t_job_batch_group WHERE id_job_batch = $1', [batchId]);
  return rows[0].n;
}
