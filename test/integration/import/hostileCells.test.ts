import assert from 'node:assert/strict';
import { importAndWait, outcomesOf } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

const IMPORT = '/api/v1/entrances/import-rows';

describe('Import rows: cells that are not flat values, Object property names, too many columns', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 10, maxColumns: 40 } } });

  const post = (body: string) =>
    suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .set('Content-Type', 'application/json')
      .send(body);

  it('accepts objects, arrays, NULs nested in arrays and deep nesting, and fails their rows with a message', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const rows = [
      `{ ${JSON.stringify(entranceRow()).slice(1, -1)}, "id": {"toString": 1} }`,
      `{ ${JSON.stringify(entranceRow()).slice(1, -1)}, "w3geo:latitude": [45.5] }`,
      `{ ${JSON.stringify(entranceRow()).slice(1, -1)}, "id": {} }`,
      `{ ${JSON.stringify(entranceRow()).slice(1, -1)}, "rdfs:label": ["a\\u0000b"] }`,
      `{ ${JSON.stringify(entranceRow()).slice(1, -1)}, "notes": ${deep} }`,
      JSON.stringify(entranceRow({ 'w3geo:altitude': undefined })),
    ];
    const res = await post(`{"data": [${rows.join(',')}]}`);
    assert.equal(res.status, 202, res.text);
    const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 5 });
    assert.deepEqual(
      (await outcomesOf(suite.app, status.batchId)).map((o) => o.message),
      [
        'id must be text or a number',
        'w3geo:latitude must be text or a number',
        'id must be text or a number',
        'rdfs:label must be text or a number',
        'notes must be text or a number',
        null,
      ],
    );
    const failures = await download(status.result!.reportUrls.failures!);
    const header = failures.rows[0];
    const notes = header.indexOf('notes');
    assert.deepEqual(
      failures.rows.slice(1).map((cells) => cells[notes]),
      ['', '', '', '', ''],
      'a cell that is not a flat value is written empty',
    );
  });

  it('reads columns named like Object properties as plain columns, in the import and in failures.csv', async () => {
    const failing = { ...entranceRow({ 'gn:countryCode': 'ZZ' }), constructor: 'c1', toString: 't1' };
    const withProto = JSON.parse(
      `{"__proto__": "p2", ${JSON.stringify(entranceRow({ 'gn:countryCode': 'ZY' })).slice(1)}`,
    );
    const plain = entranceRow({ 'gn:countryCode': 'ZX' });
    const status = await importAndWait(suite.app, suite.admin, [failing, withProto, plain]);
    assert.deepEqual(status.result?.summary, { successes: 0, duplicates: 0, failures: 3 });
    const failures = await download(status.result!.reportUrls.failures!);
    const header = failures.rows[0];
    for (const column of ['constructor', 'toString', '__proto__']) assert.ok(header.includes(column), column);
    const byColumn = failures.rows
      .slice(1)
      .map((cells) => Object.fromEntries(header.map((c, i) => [c, cells[i]])));
    assert.deepEqual(
      byColumn.map((row) => [
        row.constructor,
        row.toString,
        Object.getOwnPropertyDescriptor(row, '__proto__')?.value,
      ]),
      [
        ['c1', 't1', ''],
        ['', '', 'p2'],
        ['', '', ''],
      ],
    );
    assert.doesNotMatch(failures.text, /native code/);
  });

  it('answers 400 for more distinct columns than IMPORT_MAX_COLUMNS, and creates nothing', async () => {
    const [{ n: before }] = await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch');
    const rows = [
      entranceRow(),
      ...Array.from({ length: 30 }, (_, i) => ({ ...entranceRow(), [`extra-${i}`]: 'x' })),
    ];
    const res = await post(JSON.stringify({ data: rows }));
    assert.equal(res.status, 400);
    const columns = new Set(rows.flatMap((row) => Object.keys(row))).size;
    assert.deepEqual(res.body, { message: `Too many columns: ${columns} (max 40)` });
    const [{ n: after }] = await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch');
    assert.equal(after, before);
  });
});
