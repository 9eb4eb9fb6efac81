import assert from 'node:assert/strict';
import { stringify } from 'csv-stringify/sync';
import { QUEUES } from '../../../api/lib/core/types';
import { outcomesOf } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { type TestService, useTestService } from '../../support/testService';
import { encodeWindows1252 } from '../../support/windows1252';

const IMPORT = '/api/v1/entrances/import-rows';
const CHECK = '/api/v1/entrances/check-rows';
const BOM = '\uFEFF';

/** A CSV file of these rows, every column of any row in its header. */
function csvOf(rows: Record<string, string>[], delimiter = ',', eol = '\n'): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return stringify(rows, {
    header: true,
    columns,
    delimiter,
    record_delimiter: eol === '\r\n' ? 'windows' : 'unix',
  });
}

async function footprint(app: TestService) {
  const [counts] = await app.query(
    `SELECT (SELECT count(*)::int FROM t_job_batch) AS batches,
            (SELECT count(*)::int FROM t_job_batch_row) AS staged,
            (SELECT count(*)::int FROM t_entrance) AS entrances`,
  );
  return { ...counts, jobs: await app.countJobs(QUEUES.chunk) };
}

describe('Import rows: a CSV file as the body (text/csv)', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 3 } } });

  const upload = (path: string, body: string | Buffer, type = 'text/csv; charset=utf-8') =>
    suite.app
      .http()
      .post(path)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .set('Content-Type', type)
      .send(body);

  it("imports a spreadsheet's file: BOM, semicolons, CRLF, accents, a line break in a quoted cell", async () => {
    const rows = [
      entranceRow({ 'rdfs:label': 'Grotte de l’Été', 'gn:alternateName': 'deux\r\nlignes; et virgules,' }),
      entranceRow({ 'w3geo:latitude': '123' }),
      entranceRow({ 'rdfs:label': 'Gouffre «Sud»' }),
    ];
    const res = await upload(IMPORT, BOM + csvOf(rows, ';', '\r\n'));
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.totalRows, 3);
    const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(status.result?.summary, { successes: 2, duplicates: 0, failures: 1 });
    // Lines are the file's: the first row's alternate name spans lines 2 and 3, so the next row is line 4.
    assert.deepEqual(
      (await outcomesOf(suite.app, status.batchId)).map((o) => [o.line, o.outcome, o.message]),
      [
        [2, 'success', null],
        [4, 'failure', 'Invalid latitude: 123'],
        [5, 'success', null],
      ],
    );
    const names = await suite.app.query(
      'SELECT name FROM t_name WHERE id_job_batch = $1 AND NOT is_main ORDER BY id',
      [status.batchId],
    );
    assert.deepEqual(names, [{ name: 'deux\r\nlignes; et virgules,' }]);
    const [{ columns }] = await suite.app.query('SELECT columns FROM t_job_batch WHERE id = $1', [
      status.batchId,
    ]);
    assert.equal(columns[0], 'id', 'the byte-order mark is not part of the first column');
  });

  it('reports rows far apart in the file: lines past thousands of blank ones, each in its report', async () => {
    const [first, failing, last] = [entranceRow(), entranceRow({ 'w3geo:latitude': '123' }), entranceRow()];
    const text = csvOf([first, failing, last]).split('\n');
    // Header, first row, 30,000 blank lines, the failing row, 12,000 more, the last row.
    const file = [
      text[0],
      text[1],
      ...Array(30_000).fill(''),
      text[2],
      ...Array(12_000).fill(''),
      text[3],
      '',
    ].join('\n');
    const res = await upload(IMPORT, file);
    assert.equal(res.status, 202, res.text);
    const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(
      (await outcomesOf(suite.app, status.batchId)).map((o) => [o.line, o.outcome]),
      [
        [2, 'success'],
        [30_003, 'failure'],
        [42_004, 'success'],
      ],
    );
    const urls = status.result!.reportUrls;
    const column = async (url: string, ...names: string[]) => {
      const [header, ...rows] = (await download(url)).rows;
      return rows.map((row) => names.map((name) => row[header.indexOf(name)]));
    };
    assert.deepEqual(await column(urls.success!, 'line', 'name'), [
      ['2', first['rdfs:label']],
      ['42004', last['rdfs:label']],
    ]);
    assert.deepEqual(await column(urls.failures!, 'line', 'id'), [['30003', failing.id]]);
  });

  it('answers 400 with the line for a malformed file, a file with only a header, and creates nothing', async () => {
    const before = await footprint(suite.app);
    const header = csvOf([entranceRow()]).split('\n')[0];
    const good = csvOf([entranceRow(), entranceRow()]).trimEnd();
    const cases: [string, string, RegExp][] = [
      [
        'an unclosed quote',
        `${good}\n"unclosed,x\n`,
        /^The CSV file could not be read at line 4: a quoted cell is not closed\.$/,
      ],
      [
        'more cells than the header',
        `${good}\n${'x,'.repeat(40)}x\n`,
        /^The CSV file could not be read at line 4: the row has 41 cells but the header has \d+ columns\.$/,
      ],
      ['a header only', `${header}\n`, /^The CSV file has a header but no rows\.$/],
      ['nothing', '', /^The CSV file is empty\.$/],
      [
        'a first row missing columns',
        'id,rdf:type\nx,y\n',
        /^Columns missing: dct:rights\/cc:attributionName/,
      ],
    ];
    for (const [what, body, message] of cases) {
      for (const path of [IMPORT, CHECK]) {
        const res = await upload(path, body);
        assert.equal(res.status, 400, `${what} (${path}): ${res.text}`);
        assert.match(res.body.message, message, what);
      }
    }
    assert.deepEqual(await footprint(suite.app), before);
  });

  it('checks a CSV file like its JSON rows, and sums up a file too large to echo with ?summary=true', async () => {
    const first = entranceRow({ id: 'csv-check-1' });
    const rows = [
      first,
      entranceRow({ 'gn:countryCode': 'ZZ' }),
      { ...first, 'rdfs:label': 'again' },
      entranceRow(),
    ];
    const checked = await upload(CHECK, csvOf(rows, ';'));
    assert.equal(checked.status, 200, checked.text);
    assert.deepEqual(checked.body.wontBeCreated, [{ line: 3, message: 'Unknown country code: ZZ' }]);
    assert.deepEqual(
      [
        checked.body.willBeCreated.map((r: { id: string }) => r.id),
        checked.body.willBeCreatedAsDuplicates.length,
      ],
      [[rows[0].id, rows[3].id], 1],
    );
    const summary = await upload(`${CHECK}?summary=true`, csvOf(rows));
    assert.equal(summary.status, 200);
    assert.deepEqual(summary.body, {
      counts: { willBeCreated: 2, willBeCreatedAsDuplicates: 1, wontBeCreated: 1 },
      wontBeCreated: [{ line: 3, message: 'Unknown country code: ZZ' }],
    });
    const json = await suite.app
      .http()
      .post(`${CHECK}?summary=true`)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .send({ data: rows });
    assert.deepEqual(json.body, summary.body, 'the same answer from the JSON form');
    const bad = await upload(`${CHECK}?summary=maybe`, csvOf(rows));
    assert.equal(bad.status, 400);
  });

  it("imports Excel's plain CSV (Windows-1252, ';', CRLF) sent as charset=windows-1252, check and import alike", async () => {
    const rows = [
      entranceRow({ 'rdfs:label': 'Grotte de l’Éléphant', 'gn:alternateName': '« Œil » de 12 €' }),
      entranceRow({ 'w3geo:latitude': '45,5', 'rdfs:label': 'Aven du Pèlerin' }),
      entranceRow({ 'rdfs:label': 'Gouffre Étoilé' }),
    ];
    const bytes = encodeWindows1252(csvOf(rows, ';', '\r\n'));
    const type = 'text/csv; charset=windows-1252';
    const checked = await upload(`${CHECK}?summary=true`, bytes, type);
    assert.equal(checked.status, 200, checked.text);
    assert.deepEqual(checked.body, {
      counts: { willBeCreated: 2, willBeCreatedAsDuplicates: 0, wontBeCreated: 1 },
      wontBeCreated: [{ line: 3, message: 'Invalid latitude: 45,5' }],
    });
    const res = await upload(IMPORT, bytes, type);
    assert.equal(res.status, 202, res.text);
    const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(status.result?.summary, { successes: 2, duplicates: 0, failures: 1 });
    const names = await suite.app.query('SELECT DISTINCT name FROM t_name WHERE id_job_batch = $1', [
      status.batchId,
    ]);
    assert.deepEqual(
      names.map((row) => row.name).sort(),
      ['Grotte de l’Éléphant', '« Œil » de 12 €', 'Gouffre Étoilé'].sort(),
    );
  });

  it('imports a tab-separated file, a |-separated one and a UTF-16 one with its byte-order mark', async () => {
    const files: [string, string | Buffer, string][] = [
      ['tabs', csvOf([entranceRow({ 'rdfs:label': 'Grotte, dite «; »' })], '\t'), 'text/csv'],
      [
        'pipes',
        csvOf([entranceRow({ 'rdfs:label': 'Puits; des, Trésors' })], '|'),
        'TEXT/CSV; Charset="UTF-8"',
      ],
      [
        'utf-16le',
        Buffer.from(BOM + csvOf([entranceRow({ 'rdfs:label': 'Grotte de l’Été' })], '\t', '\r\n'), 'utf16le'),
        'text/csv; charset=utf-16le',
      ],
      [
        'utf-16be',
        Buffer.from(BOM + csvOf([entranceRow({ 'rdfs:label': 'Aven 😀' })], ';'), 'utf16le').swap16(),
        'text/csv; charset=UTF-16BE',
      ],
    ];
    const labels = ['Grotte, dite «; »', 'Puits; des, Trésors', 'Grotte de l’Été', 'Aven 😀'];
    for (const [[what, body, type], label] of files.map((file, i) => [file, labels[i]] as const)) {
      const res = await upload(IMPORT, body, type);
      assert.equal(res.status, 202, `${what}: ${res.text}`);
      const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
      assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 0 }, what);
      const [{ name }] = await suite.app.query('SELECT name FROM t_name WHERE id_job_batch = $1', [
        status.batchId,
      ]);
      assert.equal(name, label, what);
    }
  });

  it('answers 415 for a charset it cannot read, before reading the file, and creates nothing', async () => {
    const before = await footprint(suite.app);
    const file = csvOf([entranceRow({ 'rdfs:label': 'Grotte de l’Été' })]);
    for (const charset of ['latin2', 'iso-8859-1', 'utf-16', '"shift_jis"', '']) {
      for (const path of [IMPORT, `${CHECK}?summary=true`, CHECK]) {
        const res = await upload(path, file, `text/csv; charset=${charset}`);
        assert.equal(res.status, 415, `${charset} (${path}): ${res.text}`);
        assert.match(
          res.body.message,
          /^A CSV file in the charset ".*" cannot be read\. Send it as utf-8, windows-1252, utf-16le, utf-16be /,
        );
      }
    }
    assert.deepEqual(await footprint(suite.app), before);
  });

  it('answers 415 for a body that is neither JSON nor CSV, and 413 past the size limit', async () => {
    for (const path of [IMPORT, CHECK]) {
      const res = await upload(path, 'id=1&x=2', 'application/x-www-form-urlencoded');
      assert.equal(res.status, 415, path);
      assert.deepEqual(res.body, {
        message: 'Send the rows as JSON ({ "data": [...] }, application/json) or as a CSV file (text/csv).',
      });
    }
  });
});

describe('Import rows: a CSV file past the size limit', () => {
  const suite = useTestService({ settings: { import: { maxBodyBytes: '64kb' } } });

  it('answers 413 while reading, naming the limit, and creates nothing', async () => {
    const rows = Array.from({ length: 1000 }, () => entranceRow());
    const res = await suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .set('Content-Type', 'text/csv')
      .send(csvOf(rows));
    assert.equal(res.status, 413, `${csvOf(rows).length} bytes: ${res.text}`);
    assert.deepEqual(res.body, {
      message: 'Request body is larger than the 64kb limit. Split the file into smaller imports.',
    });
    const [{ n }] = await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch_row');
    assert.equal(n, 0);
  });
});
