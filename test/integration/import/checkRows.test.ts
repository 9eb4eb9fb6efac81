import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { importAndWait, outcomesOf } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestService, useTestService } from '../../support/testService';

const CHECK = '/api/v1/entrances/check-rows';

interface CheckAnswer {
  willBeCreated: Record<string, unknown>[];
  willBeCreatedAsDuplicates: Record<string, unknown>[];
  wontBeCreated: { line: number; message: string }[];
}

/** Everything an import writes, counted: a dry run must leave every figure as it was. */
async function footprint(app: TestService) {
  const [counts] = await app.query(
    `SELECT (SELECT count(*)::int FROM t_job_batch) AS batches,
            (SELECT count(*)::int FROM t_job_batch_row) AS staged,
            (SELECT count(*)::int FROM t_entrance) AS entrances,
            (SELECT count(*)::int FROM t_cave) AS caves,
            (SELECT count(*)::int FROM t_name) AS names,
            (SELECT count(*)::int FROM t_caver) AS cavers,
            (SELECT count(*)::int FROM t_entrance_duplicate) AS duplicates`,
  );
  return { ...counts, jobs: await app.countJobs(QUEUES.chunk) };
}

/** Each line's class as check-rows gives it: `success`, `duplicate` or the failure's message. */
function classesOf(rows: Record<string, unknown>[], answer: CheckAnswer): Map<number, string> {
  // The answer holds the rows as sent: each one names its line by its content (the test's rows all differ).
  const lines = new Map(rows.map((row, index) => [JSON.stringify(row), index + 2]));
  const lineOf = (row: Record<string, unknown>) => lines.get(JSON.stringify(row)) ?? -1;
  const classes = new Map<number, string>();
  for (const row of answer.willBeCreated) classes.set(lineOf(row), 'success');
  for (const row of answer.willBeCreatedAsDuplicates) classes.set(lineOf(row), 'duplicate');
  for (const { line, message } of answer.wontBeCreated) classes.set(line, `failure: ${message}`);
  return classes;
}

describe('Import rows: POST /api/v1/entrances/check-rows (dry run)', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 4, maxRows: 50, maxBodyBytes: '64kb' } } });

  const check = (token: string | null, body: unknown) => {
    const req = suite.app.http().post(CHECK);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('classifies every line exactly as the import of the same payload then does', async () => {
    const existing = entranceRow();
    await importAndWait(suite.app, suite.admin, [existing]);
    const describedBy = (creator: string) => ({
      'karstlink:hasDescriptionDocument/dct:title': 'Description',
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
      'karstlink:hasDescriptionDocument/dct:creator': creator,
    });
    const rows: Record<string, string>[] = [
      entranceRow({ id: 'agree-k1' }), // created
      entranceRow({ id: 'agree-k2', 'w3geo:latitude': '123' }), // fails: k2's first line
      entranceRow({ id: 'agree-k1' }), // duplicate of an earlier line
      entranceRow({ id: 'agree-k2' }), // created: k2's first valid line
      { ...existing, 'rdfs:label': 'Renamed' }, // duplicate of an entrance in the database
      entranceRow({ id: 'agree-k2' }), // duplicate of an earlier line
      entranceRow({ 'gn:countryCode': undefined, 'rdf:type': '' }),
      entranceRow({ 'w3geo:latitude': '-90.5' }),
      entranceRow({ 'w3geo:longitude': 'east' }),
      entranceRow({ 'gn:countryCode': 'QQ' }),
      entranceRow({ 'rdfs:label/dc:language': 'xx1' }),
      entranceRow({ 'dct:rights/dct:created': '2024-13-01' }),
      entranceRow({ id: 'i'.repeat(101) }),
      entranceRow({ 'dwc:coordinatePrecision': 'ten' }),
      entranceRow(describedBy('https://example.org/people#')),
      entranceRow({ 'rdfs:label': 'Nul\u0000inside', 'gn:alternateName': 'Broken \ud800' }),
      entranceRow({ id: 'agree-k3', ...describedBy('https://example.org/people#New_Author') }), // created
    ];

    const before = await footprint(suite.app);
    const res = await check(suite.admin.token, { data: rows });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await footprint(suite.app), before, 'the dry run wrote nothing');
    const checked = classesOf(rows, res.body);
    assert.equal(checked.size, rows.length, 'every line in exactly one list');

    const status = await importAndWait(suite.app, suite.admin, rows);
    const imported = new Map(
      (await outcomesOf(suite.app, status.batchId)).map((o) => [
        o.line,
        o.outcome === 'failure' ? `failure: ${o.message}` : o.outcome,
      ]),
    );
    assert.deepEqual(
      [...checked].sort(([a], [b]) => a - b),
      [...imported].sort(([a], [b]) => a - b),
    );
    const byLine = [...checked].sort(([a], [b]) => a - b);
    assert.deepEqual(
      byLine.map(([, c]) => c).filter((c) => !c.startsWith('failure')),
      ['success', 'duplicate', 'success', 'duplicate', 'duplicate', 'success'],
    );
    assert.equal(checked.get(3), 'failure: Invalid latitude: 123');
    assert.equal(
      checked.get(16),
      'failure: Invalid creator in karstlink:hasDescriptionDocument/dct:creator: https://example.org/people#',
    );
  });

  it('answers the input rows unchanged, in input order, and the failures with their lines', async () => {
    const rows = [
      entranceRow({ id: 'order-b', extra: 'kept as sent' }),
      entranceRow({ id: 'order-a', 'w3geo:latitude': 'north' }),
      { ...entranceRow({ id: 'order-c' }), 'karstlink:length': 350 },
      entranceRow({ id: 'order-b' }),
    ];
    const res = await check(suite.admin.token, { data: rows });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      willBeCreated: [rows[0], rows[2]],
      willBeCreatedAsDuplicates: [rows[3]],
      wontBeCreated: [{ line: 3, message: 'Invalid latitude: north' }],
    });
  });

  it('checks in order: 401, 403, the body, the first row, the size; and creates nothing', async () => {
    const user = await suite.app.createUser({ group: 'Moderator' });
    const before = await footprint(suite.app);
    const cases: [string, string | null, unknown, number, string][] = [
      ['no token', null, { data: [entranceRow()] }, 401, 'Missing Authorization header.'],
      [
        'a moderator',
        user.token,
        { data: [entranceRow()] },
        403,
        'You are not authorized to import entrances via CSV.',
      ],
      [
        'no data',
        suite.admin.token,
        { data: [] },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'rows that are not objects',
        suite.admin.token,
        { data: ['x'] },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'a first row missing columns',
        suite.admin.token,
        { data: [{ id: 'x' }] },
        400,
        'Columns missing: rdf:type,dct:rights/cc:attributionName,dct:rights/karstlink:licenseType,gn:countryCode,w3geo:latitude,w3geo:longitude,rdfs:label/dc:language',
      ],
      [
        'too many rows',
        suite.admin.token,
        { data: Array.from({ length: 51 }, () => entranceRow()) },
        413,
        'Too many rows: 51. At most 50 rows can be imported at once; split the file.',
      ],
    ];
    for (const [what, token, body, status, message] of cases) {
      const res = await check(token, body);
      assert.equal(res.status, status, what);
      assert.equal(res.body.message, message, what);
    }
    const big = await check(suite.admin.token, { data: [entranceRow({ 'rdfs:label': 'x'.repeat(70_000) })] });
    assert.equal(big.status, 413);
    assert.equal(
      big.body.message,
      'Request body is larger than the 64kb limit. Split the file into smaller imports.',
    );
    const unread = await check(user.token, { data: [entranceRow({ 'rdfs:label': 'x'.repeat(70_000) })] });
    assert.equal(unread.status, 403, "a non-administrator's large body is not read");
    assert.deepEqual(await footprint(suite.app), before);
  });
});
