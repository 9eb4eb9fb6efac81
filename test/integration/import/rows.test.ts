import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { readRowChunks } from '../../../api/lib/db/sql/batchRows';
import { stagedCells } from '../../../api/lib/db/stagedRowFormat';
import { entranceRow } from '../../support/rows';
import { startTestService, type TestService, useTestService } from '../../support/testService';

const IMPORT = '/api/v1/entrances/import-rows';

async function countBatches(app: TestService): Promise<{ batches: number; rows: number; jobs: number }> {
  const [counts] = await app.query(
    `SELECT (SELECT count(*)::int FROM t_job_batch) AS batches,
            (SELECT count(*)::int FROM t_job_batch_row) AS rows`,
  );
  return { batches: counts.batches, rows: counts.rows, jobs: await app.countJobs(QUEUES.chunk) };
}

describe('Import rows: POST /api/v1/entrances/import-rows', () => {
  const suite = useTestService({
    settings: { import: { chunkSize: 2, maxRows: 50, maxBodyBytes: '64kb' } },
  });

  const post = (token: string | null, body: unknown) => {
    const req = suite.app.http().post(IMPORT);
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.send(body as object);
  };

  it('answers 202 with the batch id, counts, status URL and Location header, and stages every row', async () => {
    const rows = [entranceRow(), entranceRow(), entranceRow()];
    const res = await post(suite.admin.token, { data: rows });
    assert.equal(res.status, 202);
    assert.deepEqual(Object.keys(res.body).sort(), ['batchId', 'statusUrl', 'totalChunks', 'totalRows']);
    assert.match(res.body.batchId, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.totalRows, 3);
    assert.equal(res.body.totalChunks, 2);
    assert.equal(res.body.statusUrl, `/api/v1/jobs/${res.body.batchId}`);
    assert.equal(res.headers.location, res.body.statusUrl);
    const staged = await suite.app.service.pool.query(
      `SELECT r.line, r.cells, b.columns FROM t_job_batch_row r JOIN t_job_batch b ON b.id = r.id_job_batch
        WHERE r.id_job_batch = $1 ORDER BY r.line`,
      [res.body.batchId],
    );
    const chunks = await readRowChunks(suite.app.service.pool, res.body.batchId);
    assert.deepEqual(
      staged.rows.map((r, i) => [r.line, chunks[i].chunk, stagedCells(r.columns, r.cells).id]),
      [
        [2, 0, rows[0].id],
        [3, 0, rows[1].id],
        [4, 1, rows[2].id],
      ],
    );
    await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
  });

  it('stages each row as an array of its values in the order of the batch columns (an object when it leaves most out), and reads it back whole', async () => {
    const label = 'Grotte \\ "du" \t Sud é';
    const { 'karstlink:length': _, ...withoutLength } = entranceRow();
    const rows = [
      entranceRow({ 'rdfs:label': label }),
      { 2: 'a column named like an index', ...withoutLength, 'karstlink:verticalExtend': null },
      { ...entranceRow({ 'karstlink:length': 'nul\u0000' }), comment: 'a column of its own' },
      // Two cells among the batch's 18 columns: kept as an object, not an array of nulls.
      { id: 'sparse', 'a late column': 'its only other cell' },
    ];
    // A column named __proto__ is a column (JSON.parse makes it an own property), never a prototype.
    const body = JSON.stringify({ data: rows }).replace('{"2":', '{"__proto__":"proto cell","2":');
    const sent = JSON.parse(body).data as Record<string, unknown>[];
    const res = await suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .set('Content-Type', 'application/json')
      .send(body);
    assert.equal(res.status, 202);
    const [{ columns }] = await suite.app.query('SELECT columns FROM t_job_batch WHERE id = $1', [
      res.body.batchId,
    ]);
    assert.deepEqual(columns, [...Object.keys(rows[0]), '2', '__proto__', 'comment', 'a late column']);
    const staged = await suite.app.query(
      'SELECT cells FROM t_job_batch_row WHERE id_job_batch = $1 ORDER BY line',
      [res.body.batchId],
    );
    assert.deepEqual(
      staged.map((r) => Array.isArray(r.cells)),
      [true, true, true, false],
    );
    assert.equal(staged[0].cells.length, Object.keys(rows[0]).length, 'no column the row does not reach');
    // What every reader sees: the row's cells (a null reads as a column left out); the NUL, which
    // staging cannot keep, replaced.
    const withoutNulls = (row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
    assert.deepEqual(
      staged.map((r) => stagedCells(columns, r.cells)),
      [sent[0], withoutNulls(sent[1]), { ...sent[2], 'karstlink:length': 'nul\uFFFD' }, sent[3]],
    );
    assert.equal(Object.getPrototypeOf(stagedCells(columns, staged[1].cells)), Object.prototype);
    const status = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(status.result?.summary, { successes: 2, duplicates: 0, failures: 2 });
    const names = await suite.app.query(
      `SELECT n.name FROM t_name n JOIN t_entrance e ON e.id = n.id_entrance WHERE e.id_db_import = $1`,
      [sent[0].id],
    );
    assert.deepEqual(
      names.map((n) => n.name),
      [label],
    );
  });

  it('checks in order: 401, then 403, then the body, then the first row, then the size', async () => {
    const before = await countBatches(suite.app);
    const user = await suite.app.createUser({ group: 'User' });
    const moderator = await suite.app.createUser({ group: 'Moderator' });
    const tooMany = Array.from({ length: 51 }, () => entranceRow());

    const cases: [string, string | null, unknown, number, string][] = [
      ['no token, bad body', null, { data: [] }, 401, 'Missing Authorization header.'],
      ['user', user.token, { data: [] }, 403, 'You are not authorized to import entrances via CSV.'],
      [
        'moderator',
        moderator.token,
        { data: tooMany },
        403,
        'You are not authorized to import entrances via CSV.',
      ],
      ['no data', suite.admin.token, {}, 400, 'Request body must contain a non-empty "data" array.'],
      [
        'empty data',
        suite.admin.token,
        { data: [] },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'data not an array',
        suite.admin.token,
        { data: { id: 1 } },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'rows not objects',
        suite.admin.token,
        { data: [entranceRow(), 'x'] },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'array rows',
        suite.admin.token,
        { data: [[1, 2]] },
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'body is an array',
        suite.admin.token,
        [entranceRow()],
        400,
        'Request body must contain a non-empty "data" array.',
      ],
      [
        'first row lacks columns',
        suite.admin.token,
        { data: [entranceRow({ 'gn:countryCode': undefined, 'w3geo:longitude': ' ' }), ...tooMany] },
        400,
        'Columns missing: gn:countryCode,w3geo:longitude',
      ],
      [
        'too many rows',
        suite.admin.token,
        { data: tooMany },
        413,
        'Too many rows: 51. At most 50 rows can be imported at once; split the file.',
      ],
    ];
    for (const [name, token, body, status, message] of cases) {
      const res = await post(token, body);
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.deepEqual(res.body, { message }, name);
    }
    assert.deepEqual(await countBatches(suite.app), before, 'no bad request created anything');
  });

  it('accepts a first row that is complete even when a later row is not (later rows fail one by one)', async () => {
    const res = await post(suite.admin.token, {
      data: [entranceRow(), entranceRow({ 'gn:countryCode': undefined })],
    });
    assert.equal(res.status, 202);
    const done = await suite.app.waitForBatch(res.body.batchId, suite.admin.token);
    assert.deepEqual(done.result?.summary, { successes: 1, duplicates: 0, failures: 1 });
  });

  it('does not read the body of a request that is not from an administrator: 401 or 403 come first', async () => {
    const user = await suite.app.createUser({ group: 'User' });
    const huge = { data: [entranceRow({ 'rdfs:label': 'x'.repeat(70_000) })] };
    assert.equal((await post(null, huge)).status, 401);
    assert.equal((await post('not-a-token', huge)).status, 401);
    const forbidden = await post(user.token, huge);
    assert.equal(forbidden.status, 403);
    const malformed = await suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${user.token}`)
      .set('Content-Type', 'application/json')
      .send('{"data": [');
    assert.equal(malformed.status, 403);
  });

  it('limits every other JSON body to 1 MB', async () => {
    const res = await suite.app
      .http()
      .post('/api/v1/login')
      .send({ email: 'a@example.org', password: 'x'.repeat(1_100_000) });
    assert.equal(res.status, 413);
    assert.equal(res.body.message, 'Request body is larger than the 1mb limit.');
  });

  it('answers 413 with a JSON message for a body over the size limit, 400 for malformed JSON', async () => {
    const big = await post(suite.admin.token, { data: [entranceRow({ 'rdfs:label': 'x'.repeat(70_000) })] });
    assert.equal(big.status, 413);
    assert.equal(
      big.body.message,
      'Request body is larger than the 64kb limit. Split the file into smaller imports.',
    );
    const malformed = await suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${suite.admin.token}`)
      .set('Content-Type', 'application/json')
      .send('{"data": [');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.message, 'Request body is not valid JSON.');
  });

  it('answers 500 and creates nothing when the batch cannot be written', async () => {
    const before = await countBatches(suite.app);
    // A fault the validation cannot see: the database refuses the staged rows.
    await suite.app.service.pool.query(`
      CREATE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$;
      CREATE TRIGGER refuse_rows BEFORE INSERT ON t_job_batch_row FOR EACH STATEMENT EXECUTE FUNCTION refuse_rows();`);
    try {
      const res = await post(suite.admin.token, { data: [entranceRow(), entranceRow()] });
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { message: 'Failed to enqueue import batch.' });
      assert.deepEqual(
        await countBatches(suite.app),
        before,
        'the batch row and its jobs were rolled back together',
      );
    } finally {
      await suite.app.service.pool.query(
        'DROP TRIGGER refuse_rows ON t_job_batch_row; DROP FUNCTION refuse_rows();',
      );
    }
  });
});

describe('Import rows: when the job queue is down', () => {
  it('answers 500 "Job queue is not available" and creates nothing', async () => {
    const app = await startTestService({ env: { LOG_LEVEL: 'silent' } });
    try {
      const admin = await app.createUser({ group: 'Administrator' });
      await app.service.boss.stop({ graceful: false });
      const res = await app
        .http()
        .post(IMPORT)
        .set('Authorization', `Bearer ${admin.token}`)
        .send({ data: [entranceRow()] });
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { message: 'Job queue is not available. Please try again later.' });
      const { rows } = await app.service.pool.query('SELECT count(*)::int AS n FROM t_job_batch');
      assert.equal(rows[0].n, 0);
    } finally {
      await app.stop();
    }
  });
});
