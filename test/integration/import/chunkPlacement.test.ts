import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../../api/lib/db/pool';
import { insertBatch } from '../../../api/lib/db/sql/batches';
import { readOutcomeWindow } from '../../../api/lib/db/sql/batchOutcomes';
import {
  readRowChunks,
  readUnfinishedChunkRows,
  unfinishedChunkRows,
} from '../../../api/lib/db/sql/batchRows';
import { importAndWait, outcomesOf } from '../../support/imports';
import { executedPlan, rowsReadFrom, withStaleStatistics } from '../../support/plans';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('Import rows: chunks placed by the first line of each key', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 2 } } });

  it('places a row alone with its key by its line, and records only keys on several rows', async () => {
    // Keys by line 2…8: A B C A D E A. Groups in order of first line: A (3 rows), B, C, D, E.
    // Chunks of 2: A alone overflows its chunk (0); B and C fill chunk 1; D and E chunk 2.
    const keys = ['A', 'B', 'C', 'A', 'D', 'E', 'A'];
    const prefix = randomUUID().slice(0, 8);
    const rows = keys.map((key) => entranceRow({ id: `${prefix}-${key}` }));
    const status = await importAndWait(suite.app, suite.admin, rows);
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 5, duplicates: 2, failures: 0 });

    const chunks = await readRowChunks(suite.app.service.pool, status.batchId);
    assert.deepEqual(
      chunks.map(({ line, chunk }) => [line, chunk]),
      [
        [2, 0],
        [3, 1],
        [4, 1],
        [5, 0],
        [6, 2],
        [7, 2],
        [8, 0],
      ],
    );
    const [batch] = await suite.app.query(
      `SELECT b.chunk_first_lines, b.total_chunks,
              (SELECT count(*)::int FROM t_job_batch_group g WHERE g.id_job_batch = b.id) AS groups
         FROM t_job_batch b WHERE b.id = $1`,
      [status.batchId],
    );
    assert.deepEqual(batch, { chunk_first_lines: [2, 3, 6], total_chunks: 3, groups: 1 });
    // The earliest line of A won, whichever chunk its later lines sit among.
    const outcomes = await outcomesOf(suite.app, status.batchId);
    assert.deepEqual(
      outcomes.map((o) => [o.line, o.outcome]),
      [
        [2, 'success'],
        [3, 'success'],
        [4, 'success'],
        [5, 'duplicate'],
        [6, 'success'],
        [7, 'success'],
        [8, 'duplicate'],
      ],
    );
  });

  it('reads a batch staged before chunk_first_lines existed, its rows kept as objects: every key group recorded', async () => {
    const batchId = randomUUID();
    const pool = suite.app.service.pool;
    await insertBatch(pool, {
      id: batchId,
      initiatorId: suite.admin.id,
      totalRows: 3,
      chunkSize: 2,
      totalChunks: 2,
      columns: ['id'],
      chunkFirstLines: [2, 3],
    });
    await pool.query('UPDATE t_job_batch SET chunk_first_lines = NULL WHERE id = $1', [batchId]);
    await pool.query(
      `INSERT INTO t_job_batch_row (id_job_batch, line, key_hash, cells)
       SELECT $1, line, line * 10, json_build_object('id', line) FROM unnest(ARRAY[2, 3, 4]) AS line`,
      [batchId],
    );
    await pool.query(
      `INSERT INTO t_job_batch_group (id_job_batch, key_hash, chunk)
       SELECT $1, k, c FROM unnest(ARRAY[20, 30, 40]::bigint[], ARRAY[1, 0, 1]) AS g(k, c)`,
      [batchId],
    );
    assert.deepEqual(
      (await readRowChunks(pool, batchId)).map(({ line, chunk }) => [line, chunk]),
      [
        [2, 1],
        [3, 0],
        [4, 1],
      ],
    );
    const rowsOf = (chunk: number) =>
      withTransaction(pool, async (client) => {
        const rows: [number, unknown][] = [];
        for await (const window of readUnfinishedChunkRows(client, batchId, chunk, 10))
          rows.push(...window.map((row): [number, unknown] => [row.line, row.data]));
        return rows;
      });
    assert.deepEqual(await rowsOf(0), [[3, { id: 3 }]]);
    assert.deepEqual(await rowsOf(1), [
      [2, { id: 2 }],
      [4, { id: 4 }],
    ]);
    // failures.csv reads them as they are too.
    await pool.query(
      `INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message) VALUES ($1, 4, 'failure', 'bad')`,
      [batchId],
    );
    const [failure] = await readOutcomeWindow(pool, { id: batchId, columns: ['id'] }, 'failure', 0, 10);
    assert.deepEqual([failure.line, failure.data], [4, { id: 4 }]);
  });

  it('reads a chunk with a few index probes per row, whatever its batch holds and its statistics know', async () => {
    // 40,000 rows staged and analysed as staging does, in chunks of 2,000 lines; one key in ten of
    // the first half is repeated in the second. Every chunk but one already imported, which the
    // statistics of outcomes, taken before, do not know.
    const batchId = randomUUID();
    const pool = suite.app.service.pool;
    const lines = 40_000;
    const half = lines / 2;
    const chunkLines = 2000;
    const chunk = 5;
    await insertBatch(pool, {
      id: batchId,
      initiatorId: suite.admin.id,
      totalRows: lines,
      chunkSize: chunkLines,
      totalChunks: lines / chunkLines,
      columns: ['id'],
      chunkFirstLines: Array.from({ length: lines / chunkLines }, (_, c) => 2 + c * chunkLines),
    });
    await pool.query(
      `INSERT INTO t_job_batch_row (id_job_batch, line, key_hash, cells)
       SELECT $1, line, CASE WHEN line <= $3 AND line % 10 = 0 THEN line
                             WHEN line > $3 AND (line - $3) % 10 = 0 THEN line - $3
                             ELSE -line END,
              json_build_array(line::text)
         FROM generate_series(2, $2 + 1) AS line`,
      [batchId, lines, half],
    );
    await pool.query(
      `INSERT INTO t_job_batch_group (id_job_batch, key_hash, chunk)
       SELECT $1, line, (line - 2) / $3 FROM generate_series(10, $2, 10) AS line`,
      [batchId, half, chunkLines],
    );
    const tables = ['t_job_batch_row', 't_job_batch_group', 't_job_batch_outcome'];
    let imported: number[] = [];
    const plan = await withStaleStatistics(pool, tables, async () => {
      await pool.query(`ANALYZE ${tables.join(', ')}`);
      const chunkOf = await readRowChunks(pool, batchId);
      imported = chunkOf.filter((row) => row.chunk !== chunk).map((row) => row.line);
      await pool.query(
        `INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message)
         SELECT $1, line, 'failure', 'imported before' FROM unnest($2::int[]) AS line`,
        [batchId, imported],
      );
      return withTransaction(pool, async (client) => {
        const source = await unfinishedChunkRows(client, batchId, chunk);
        return executedPlan(
          client,
          `SELECT line, cells FROM (${source.text}) AS r ORDER BY line`,
          source.values,
        );
      });
    });
    const chunkRows = lines - imported.length;
    assert.equal(chunkRows, 2200, 'its run of 1,800 rows alone with their key, and 200 keys on 2 rows');
    assert.equal(plan['Actual Rows'], chunkRows);
    // Every node reading staged rows, key groups or outcomes returns a few rows for each row of the
    // chunk, never the batch's: planned as joins, these reads hashed all 37,800 outcomes, or walked
    // all 40,000 staged rows, for one chunk.
    const read = rowsReadFrom(plan, tables);
    assert.ok(read <= 4 * chunkRows, `${read} rows read for a chunk of ${chunkRows} rows`);
  });
});
