import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { serviceContext } from '../../../api/lib/context';
import { insertBatch } from '../../../api/lib/db/sql/batches';
import { readOutcomeWindow } from '../../../api/lib/db/sql/batchOutcomes';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import { neutraliseFormula, reportStream } from '../../../api/lib/reports/csvReports';
import { importAndWait, outcomesOf } from '../../support/imports';
import { explainingConnection, rowsReadFrom, withStaleStatistics } from '../../support/plans';
import { download, mixedRows } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('Batch completion: reports on local disk', () => {
  const suite = useTestService();
  let status: JobStatus;
  let rows: Record<string, string>[];

  before(async () => {
    rows = mixedRows();
    status = await importAndWait(suite.app, suite.admin, rows);
  });

  it('completes with absolute, signed report URLs under /local-uploads/ mirroring the container layout', () => {
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 3, duplicates: 1, failures: 2 });
    for (const kind of ['success', 'duplicates', 'failures'] as const) {
      const link: URL = new URL(status.result!.reportUrls[kind] ?? '');
      assert.equal(
        `${link.origin}${link.pathname}`,
        `${suite.app.url}/local-uploads/documents/csv-import-reports/${status.batchId}/${kind}.csv`,
      );
      assert.match(link.search, /^\?expires=\d+&signature=[\w-]{43}$/);
    }
  });

  it('serves success.csv as text/csv, rows in line order matching the database', async () => {
    const report = await download(status.result!.reportUrls.success!);
    assert.equal(report.status, 200);
    assert.ok(report.bom, 'UTF-8 with a byte-order mark, so spreadsheets read the accents');
    assert.match(report.type ?? '', /^text\/csv/);
    const outcomes = (await outcomesOf(suite.app, status.batchId)).filter((o) => o.outcome === 'success');
    assert.deepEqual(report.rows[0], ['line', 'caveId', 'entranceId', 'latitude', 'longitude', 'name']);
    assert.deepEqual(
      report.rows.slice(1).map((r) => [Number(r[0]), Number(r[1]), Number(r[2])]),
      outcomes.map((o) => [o.line, o.id_cave, o.id_entrance]),
    );
    // Formula-like cells are neutralised; a plain negative number is not.
    assert.equal(report.rows[1][5], '\'=HYPERLINK("http://evil.example","click")');
    assert.equal(report.rows[2][5], "'-2+3");
    assert.equal(report.rows[3][5], 'Grotte «Sud»');
  });

  it('writes duplicates.csv and failures.csv, the latter with every original column', async () => {
    const duplicates = await download(status.result!.reportUrls.duplicates!);
    assert.deepEqual(duplicates.rows[0], [
      'line',
      'id',
      'attributionName',
      'entranceId',
      'message',
      'duplicateId',
    ]);
    const [outcome] = (await outcomesOf(suite.app, status.batchId)).filter((o) => o.outcome === 'duplicate');
    const [duplicate] = await suite.app.query(
      'SELECT id FROM t_entrance_duplicate WHERE id_job_batch = $1 AND line = 4',
      [status.batchId],
    );
    const id = rows[2].id;
    assert.deepEqual(duplicates.rows.slice(1), [
      [
        '4',
        id,
        'Test Caving Club',
        String(outcome.id_entrance),
        `Entrance with id ${id} has been created as an entrance duplicate.`,
        String(duplicate.id),
      ],
    ]);

    const failures = await download(status.result!.reportUrls.failures!);
    assert.ok(duplicates.bom && failures.bom, 'every report starts with a byte-order mark');
    const header = failures.rows[0];
    assert.deepEqual(header.slice(0, 3), ['line', 'message', 'id']);
    assert.ok(header.includes('extra'), 'a column only a later row has is kept');
    assert.ok(header.includes('gn:alternateName'));
    const byColumn = (row: string[]) => Object.fromEntries(header.map((column, i) => [column, row[i]]));
    const [countryRow, latitudeRow] = failures.rows.slice(1).map(byColumn);
    assert.equal(countryRow.line, '5');
    assert.equal(countryRow.message, 'Unknown country code: ZZ');
    assert.equal(countryRow['gn:countryCode'], 'ZZ');
    assert.equal(countryRow['gn:alternateName'], "'@SUM(A1)");
    assert.equal(countryRow.extra, 'kept');
    assert.equal(latitudeRow.message, 'Invalid latitude: -95.5');
    assert.equal(latitudeRow['w3geo:latitude'], '-95.5', 'a plain negative number is left alone');
  });

  it('writes failures.csv once more with one line and message column when that file is imported again', async () => {
    const again = await download(status.result!.reportUrls.failures!);
    const [header, ...rest] = again.rows;
    const reimported = rest.map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i]])));
    const second = await importAndWait(suite.app, suite.admin, reimported);
    const failures = await download(second.result!.reportUrls.failures!);
    assert.deepEqual(failures.rows[0].slice(0, 2), ['line', 'message']);
    assert.equal(failures.rows[0].filter((column) => column === 'line' || column === 'message').length, 2);
    assert.deepEqual(
      failures.rows.slice(1).map((cells) => cells.slice(0, 2)),
      [
        ['2', 'Unknown country code: ZZ'],
        ['3', 'Invalid latitude: -95.5'],
      ],
    );
  });

  it("keeps a source file's own message column: only line and message first in the header are a failures.csv's", async () => {
    const failing = entranceRow({ 'gn:countryCode': 'ZZ' });
    const own = { id: failing.id, message: 'checked in 2023', ...failing };
    const batch = await importAndWait(suite.app, suite.admin, [own]);
    const failures = await download(batch.result!.reportUrls.failures!);
    const [header, row] = failures.rows;
    assert.deepEqual(header.slice(0, 4), ['line', 'message', 'id', 'message']);
    assert.equal(header.filter((column) => column === 'message').length, 2);
    assert.deepEqual(row.slice(0, 4), ['2', 'Unknown country code: ZZ', failing.id, 'checked in 2023']);
    assert.equal(row.length, header.length);
  });

  it('writes the same reports from the staged rows for outcomes recorded without their report cells', async () => {
    const [{ columns }] = await suite.app.query('SELECT columns FROM t_job_batch WHERE id = $1', [
      status.batchId,
    ]);
    const written = async () => {
      const texts: string[] = [];
      for (const kind of ['success', 'duplicates', 'failures'] as const) {
        const chunks: Buffer[] = [];
        for await (const chunk of reportStream(suite.app.service.pool, status.batchId, kind, columns)) {
          chunks.push(chunk as Buffer);
        }
        texts.push(Buffer.concat(chunks).toString('utf8'));
      }
      return texts;
    };
    const kept = await written();
    const [{ cells }] = await suite.app.query(
      `SELECT count(report_cells)::int AS cells FROM t_job_batch_outcome WHERE id_job_batch = $1`,
      [status.batchId],
    );
    assert.equal(cells, 4, 'the successes and the duplicate keep their cells, the failures do not');
    // As an outcome recorded before report cells existed (migration 0013).
    await suite.app.query('UPDATE t_job_batch_outcome SET report_cells = NULL WHERE id_job_batch = $1', [
      status.batchId,
    ]);
    assert.deepEqual(await written(), kept);
    assert.equal((await download(status.result!.reportUrls.success!)).text, kept[0].replace(/^\uFEFF/, ''));
  });

  it('writes no file for an empty report and gives a null URL', async () => {
    const clean = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    assert.deepEqual(clean.result?.reportUrls.duplicates, null);
    assert.deepEqual(clean.result?.reportUrls.failures, null);
    const missing = await fetch(
      await serviceContext().storage.linkTo(`csv-import-reports/${clean.batchId}/failures.csv`),
    );
    assert.equal(missing.status, 404, 'a signed link to a file that was never written');
  });

  it('serves local uploads read-only, without listings or escapes from the folder', async () => {
    const base = `${suite.app.url}/local-uploads`;
    const attempts = [
      `${base}/documents/`,
      `${base}/documents/csv-import-reports/${status.batchId}/`,
      `${base}/../package.json`,
      `${base}/%2e%2e/package.json`,
      `${base}/documents/%2e%2e%2f%2e%2e%2fpackage.json`,
      `${base}/..%2fpackage.json`,
    ];
    for (const url of attempts) {
      const res = await fetch(url);
      assert.ok(res.status === 404 || res.status === 403, `${url} answered ${res.status}`);
      assert.doesNotMatch(await res.text(), /cave-import-service/, url);
    }
    const post = await fetch(status.result!.reportUrls.success!, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('records exactly one IMPORT_COMPLETE notification, which the database keeps single', async () => {
    const { rows } = await suite.app.service.pool.query(
      'SELECT id_notification_type, id_notifier, id_notified FROM t_notification WHERE id_job_batch = $1',
      [status.batchId],
    );
    assert.deepEqual(rows, [
      { id_notification_type: 8, id_notifier: suite.admin.id, id_notified: suite.admin.id },
    ]);
    await assert.rejects(
      suite.app.service.pool.query(
        'INSERT INTO t_notification (id_notification_type, id_notifier, id_notified, id_job_batch) VALUES (8, $1, $1, $2)',
        [suite.admin.id, status.batchId],
      ),
      /t_notification_batch_type_key/,
    );
  });

  it('reads a window of a report with a probe per row, whatever its batch holds and its statistics know', async () => {
    // 40,000 outcomes, one in five a duplicate with its entrance duplicate, recorded after the
    // statistics were taken (as a report follows its chunks closely).
    const pool = suite.app.service.pool;
    const [outcome] = (await outcomesOf(suite.app, status.batchId)).filter((o) => o.outcome === 'success');
    const batchId = randomUUID();
    const lines = 40_000;
    await insertBatch(pool, {
      id: batchId,
      initiatorId: suite.admin.id,
      totalRows: lines,
      chunkSize: 2000,
      totalChunks: lines / 2000,
      columns: ['id'],
      chunkFirstLines: Array.from({ length: lines / 2000 }, (_, c) => 2 + c * 2000),
    });
    const tables = ['t_job_batch_outcome', 't_entrance_duplicate', 't_job_batch_row'];
    const explaining = explainingConnection(pool);
    await withStaleStatistics(pool, tables, async () => {
      await pool.query('ANALYZE t_job_batch_outcome, t_entrance_duplicate');
      await pool.query(
        `INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message, id_entrance, id_cave, report_cells)
         SELECT $1, line, CASE WHEN line % 5 = 0 THEN 'duplicate' ELSE 'success' END,
                CASE WHEN line % 5 = 0 THEN 'Entrance already exists' END, $3,
                CASE WHEN line % 5 <> 0 THEN 1 END, '["a", "b", "c"]'
           FROM generate_series(2, $2 + 1) AS line`,
        [batchId, lines, outcome.id_entrance],
      );
      await pool.query(
        `INSERT INTO t_entrance_duplicate (content, id_entrance, id_author, id_job_batch, line)
         SELECT '{"entrance": {}, "nameDescLoc": {}}', $3, $4, $1, line FROM generate_series(5, $2 + 1, 5) AS line`,
        [batchId, lines, outcome.id_entrance, suite.admin.id],
      );
      for (const kind of ['duplicate', 'success'] as const) {
        await readOutcomeWindow(explaining.db, { id: batchId, columns: ['id'] }, kind, 20_000, 5000);
      }
    });
    const [duplicates, successes] = explaining.plans;
    assert.deepEqual([duplicates['Actual Rows'], successes['Actual Rows']], [1000, 4000]);
    // The window's 5,000 outcomes, and one entrance duplicate for each duplicate: planned as a join
    // beside an index on the batch alone, the lookup read the batch's 8,000 for each row.
    for (const plan of explaining.plans) {
      const read = rowsReadFrom(plan, tables);
      assert.ok(
        read <= 5000 + plan['Actual Rows'],
        `${read} rows read for a window of ${plan['Actual Rows']}`,
      );
    }
  });

  it('writes a report of several pieces exactly as one csv-stringify of all its records would', async () => {
    // 5,000 successes (30,000 cells: two pieces), and failures whose cells reach past a piece's
    // megabyte, with quotes, separators and line breaks or without.
    const pool = suite.app.service.pool;
    const batchId = randomUUID();
    const columns = ['id', 'note'];
    await insertBatch(pool, {
      id: batchId,
      initiatorId: suite.admin.id,
      totalRows: 5003,
      chunkSize: 2000,
      totalChunks: 3,
      columns,
      chunkFirstLines: [2, 2002, 4002],
    });
    await pool.query(
      `INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, id_entrance, id_cave, report_cells)
       SELECT $1, line, 'success', line + 1, line + 2, json_build_array('4' || line, '-5.5', '=cmd "' || line || '", x')
         FROM generate_series(2, 5001) AS line`,
      [batchId],
    );
    const long = `"quoted", ${'a\n"b",'.repeat(200_000)}`;
    const plainLong = 'Grotte '.repeat(100_000);
    await pool.query(
      `INSERT INTO t_job_batch_row (id_job_batch, line, key_hash, cells)
       SELECT $1, line, -line, json_build_array('f' || line, CASE WHEN line = 5003 THEN $3 ELSE $2::text END)
         FROM generate_series(5002, 5004) AS line`,
      [batchId, long, plainLong],
    );
    await pool.query(
      `INSERT INTO t_job_batch_outcome (id_job_batch, line, outcome, message)
       SELECT $1, line, 'failure', 'Columns missing: w3geo:latitude' FROM generate_series(5002, 5004) AS line`,
      [batchId],
    );
    const written = async (kind: 'success' | 'failures') => {
      const chunks: Buffer[] = [];
      for await (const chunk of reportStream(pool, batchId, kind, columns)) chunks.push(chunk as Buffer);
      return { pieces: chunks.length, text: Buffer.concat(chunks).toString('utf8') };
    };
    const lines = Array.from({ length: 5000 }, (_, i) => i + 2);
    const success = await written('success');
    assert.ok(success.pieces >= 2, `${success.pieces} pieces`);
    assert.equal(
      success.text,
      stringify(
        [
          ['line', 'caveId', 'entranceId', 'latitude', 'longitude', 'name'],
          ...lines.map((line) => [line, line + 2, line + 1, `4${line}`, '-5.5', `=cmd "${line}", x`]),
        ].map((record) => record.map(neutraliseFormula)),
        { bom: true },
      ),
    );
    const failures = await written('failures');
    assert.ok(failures.pieces >= 2, `${failures.pieces} pieces`);
    assert.equal(
      failures.text,
      stringify(
        [
          ['line', 'message', ...columns],
          ...[5002, 5003, 5004].map((line) => [
            line,
            'Columns missing: w3geo:latitude',
            `f${line}`,
            line === 5003 ? plainLong : long,
          ]),
        ].map((record) => record.map(neutraliseFormula)),
        { bom: true },
      ),
    );
  });
});
