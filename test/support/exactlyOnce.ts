/**
 * "Every row once", read from the tables rather than the counters: after a fault, each batch's
 * staged rows have exactly one outcome, its counters agree with them, every import key of the
 * batches has exactly one entrance, written by exactly one success row, and each batch has one
 * notification and a success report. For batches of valid rows whose keys were all new before.
 */
import assert from 'node:assert/strict';

export type Query = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface BatchTally {
  batchId: string;
  total: number;
  successes: number;
  duplicates: number;
  failures: number;
}

/**
 * A cell of staged row `r` of batch `b`, in SQL, whichever form it was staged in: an array of values
 * in the order of the batch's columns (stagedRowFormat.ts), or an object by column (older rows).
 */
function stagedCell(column: string): string {
  const name = `'${column.replaceAll("'", "''")}'`;
  return `CASE json_typeof(r.cells)
            WHEN 'array' THEN r.cells ->> ((SELECT c.i - 1 FROM jsonb_array_elements_text(b.columns)
                                            WITH ORDINALITY AS c(name, i) WHERE c.name = ${name})::int)
            ELSE r.cells ->> ${name} END`;
}

export async function assertEveryRowOnce(query: Query, batchIds: string[]): Promise<BatchTally[]> {
  const tallies: BatchTally[] = [];
  for (const batchId of batchIds) {
    const [row] = await query(
      `SELECT b.status, b.total_rows AS total, b.completed_chunks = b.total_chunks AS chunks_done,
              b.successes, b.duplicates, b.failures,
              b.result->'reportUrls'->>'success' IS NOT NULL AS success_report,
              (SELECT count(*)::int FROM t_job_batch_row r WHERE r.id_job_batch = b.id) AS staged,
              (SELECT count(*)::int FROM t_job_batch_row r WHERE r.id_job_batch = b.id
                  AND NOT EXISTS (SELECT 1 FROM t_job_batch_outcome o
                                   WHERE o.id_job_batch = r.id_job_batch AND o.line = r.line)) AS unsettled,
              (SELECT count(*)::int FROM t_job_batch_outcome o WHERE o.id_job_batch = b.id AND o.outcome = 'success') AS success_rows,
              (SELECT count(*)::int FROM t_job_batch_outcome o WHERE o.id_job_batch = b.id AND o.outcome = 'duplicate') AS duplicate_rows,
              (SELECT count(*)::int FROM t_job_batch_outcome o WHERE o.id_job_batch = b.id AND o.outcome = 'failure') AS failure_rows,
              (SELECT count(*)::int FROM t_entrance e WHERE e.id_job_batch = b.id) AS entrances,
              (SELECT count(*)::int FROM t_cave c WHERE c.id_job_batch = b.id) AS caves,
              (SELECT count(*)::int FROM t_entrance_duplicate d WHERE d.id_job_batch = b.id) AS duplicate_records,
              (SELECT count(*)::int FROM t_notification n WHERE n.id_job_batch = b.id) AS notifications,
              -- success rows pointing at an entrance this batch did not write, or two rows at one entrance
              (SELECT count(*)::int FROM t_job_batch_outcome o LEFT JOIN t_entrance e ON e.id = o.id_entrance
                WHERE o.id_job_batch = b.id AND o.outcome = 'success'
                  AND (e.id IS NULL OR e.id_job_batch IS DISTINCT FROM b.id)) AS stray_successes,
              (SELECT count(DISTINCT o.id_entrance)::int FROM t_job_batch_outcome o
                WHERE o.id_job_batch = b.id AND o.outcome = 'success') AS distinct_success_entrances
         FROM t_job_batch b WHERE b.id = $1`,
      [batchId],
    );
    assert.ok(row, `batch ${batchId} exists`);
    const tally = {
      batchId,
      total: Number(row.total),
      successes: Number(row.successes),
      duplicates: Number(row.duplicates),
      failures: Number(row.failures),
    };
    const label = `batch ${batchId.slice(0, 8)}`;
    assert.equal(row.status, 'completed', `${label} status`);
    assert.equal(row.chunks_done, true, `${label}: every chunk counted`);
    assert.equal(row.staged, tally.total, `${label}: every row staged`);
    assert.equal(row.unsettled, 0, `${label}: every staged row has an outcome`);
    assert.equal(
      tally.successes + tally.duplicates + tally.failures,
      tally.total,
      `${label}: counters add up`,
    );
    assert.deepEqual(
      [row.success_rows, row.duplicate_rows, row.failure_rows],
      [tally.successes, tally.duplicates, tally.failures],
      `${label}: counters = the rows' recorded outcomes`,
    );
    assert.equal(row.entrances, tally.successes, `${label}: one entrance per success`);
    assert.equal(row.caves, tally.successes, `${label}: one cave per success`);
    assert.equal(row.duplicate_records, tally.duplicates, `${label}: one t_entrance_duplicate per duplicate`);
    assert.equal(row.stray_successes, 0, `${label}: success rows point at this batch's entrances`);
    assert.equal(
      row.distinct_success_entrances,
      tally.successes,
      `${label}: no two success rows share one entrance`,
    );
    assert.equal(row.notifications, 1, `${label}: one notification`);
    assert.equal(row.success_report, tally.successes > 0, `${label}: success report`);
    tallies.push(tally);
  }

  // Across the batches: each import key has exactly one entrance and exactly one success row.
  const [keys] = await query(
    `WITH keys AS (
       SELECT ${stagedCell('id')} AS id, ${stagedCell('dct:rights/cc:attributionName')} AS name,
              count(*) FILTER (WHERE o.outcome = 'success') AS successes
         FROM t_job_batch_row r
         JOIN t_job_batch b ON b.id = r.id_job_batch
         JOIN t_job_batch_outcome o ON o.id_job_batch = r.id_job_batch AND o.line = r.line
        WHERE r.id_job_batch = ANY($1::uuid[]) GROUP BY 1, 2
     ), counted AS (
       SELECT k.successes, (SELECT count(*) FROM t_entrance e
                             WHERE e.id_db_import = k.id AND e.name_db_import = k.name AND NOT e.is_deleted) AS entrances
         FROM keys k
     )
     SELECT count(*)::int AS keys,
            count(*) FILTER (WHERE entrances <> 1)::int AS keys_without_one_entrance,
            count(*) FILTER (WHERE successes <> 1)::int AS keys_without_one_success
       FROM counted`,
    [batchIds],
  );
  assert.equal(keys.keys_without_one_entrance, 0, 'every import key has exactly one entrance');
  assert.equal(keys.keys_without_one_success, 0, 'every import key was imported by exactly one row');
  assert.equal(
    tallies.reduce((sum, t) => sum + t.successes, 0),
    keys.keys,
    'successes across the batches = distinct import keys',
  );
  return tallies;
}
