import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { migrateDatabase } from '../../api/lib/db/migrate';
import { LOCALE_BY_LANGUAGE } from '../../api/lib/notifications/emailTemplates';
import { cutOffDatabase, emptyDatabase, freePort, migratedDatabase } from '../support/database';
import { startServiceProcess } from '../support/processes';
import { startTestService, TEST_SALT, type TestService } from '../support/testService';

function run(command: string, args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('Foundation: migrations', () => {
  it('build the schema and reference data from an empty database', async () => {
    const url = await emptyDatabase();
    const applied = await migrateDatabase(url);
    assert.ok(applied.length >= 6, `applied ${applied.join(', ')}`);
    const [counts] = await query<Record<string, number>>(
      url,
      `SELECT (SELECT count(*)::int FROM t_group) AS groups,
              (SELECT count(*)::int FROM t_country) AS countries,
              (SELECT count(*)::int FROM t_language) AS languages,
              (SELECT count(*)::int FROM t_license) AS licenses,
              (SELECT name FROM t_notification_type WHERE id = 8) AS import_complete`,
    );
    assert.equal(counts.groups, 5);
    assert.ok(counts.countries >= 249, `${counts.countries} countries`);
    assert.ok(counts.languages > 7000, `${counts.languages} languages`);
    assert.equal(counts.licenses, 9);
    assert.equal(counts.import_complete, 'IMPORT_COMPLETE');
    const locales = Object.keys(LOCALE_BY_LANGUAGE);
    const found = await query<{ id: string }>(url, 'SELECT id FROM t_language WHERE id = ANY($1)', [locales]);
    assert.equal(found.length, locales.length);
  });

  it('are idempotent and safe when several processes run them at once', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    const total = results.reduce((sum, applied) => sum + applied.length, 0);
    const [{ count }] = await query<{ count: number }>(
      url,
      'SELECT count(*)::int AS count FROM pgmigrations',
    );
    assert.equal(total, count, 'each migration applied exactly once across the processes');
    assert.deepEqual(await migrateDatabase(url), []);
  });

  it('enforce the batch status CHECK and the unique import key of non-deleted entrances', async () => {
    const url = await migratedDatabase();
    await query(url, "INSERT INTO t_caver (nickname) VALUES ('someone')");
    await assert.rejects(
      query(
        url,
        "INSERT INTO t_job_batch (id, status, id_initiator, total_rows, chunk_size, total_chunks) VALUES (gen_random_uuid(), 'bogus', 1, 1, 1, 1)",
      ),
      /t_job_batch_status_check/,
    );
    const insert =
      "INSERT INTO t_entrance (id_db_import, name_db_import, is_deleted) VALUES ('1', 'Club', $1)";
    await query(url, insert, [false]);
    await assert.rejects(query(url, insert, [false]), /t_entrance_import_key/);
    await query(url, insert, [true]);
  });
});

describe('Foundation: authentication and health', () => {
  let app: TestService;
  before(async () => {
    app = await startTestService();
  });
  after(async () => {
    await app.stop();
  });

  it('logs in with email and password and returns a token with id, nickname and groups', async () => {
    const user = await app.createUser({ group: 'Moderator', nickname: 'Norbert' });
    const res = await app
      .http()
      .post('/api/v1/login')
      .send({ email: user.email.toUpperCase(), password: user.password });
    assert.equal(res.status, 200);
    const payload = jwt.verify(res.body.token, TEST_SALT, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    assert.equal(payload.id, user.id);
    assert.equal(payload.nickname, 'Norbert');
    assert.deepEqual(payload.groups, [{ id: 2, name: 'Moderator' }]);
    assert.ok(payload.exp! > Date.now() / 1000);
  });

  it('answers 400 for a missing field or a body that is not JSON, 401 for a wrong password', async () => {
    const user = await app.createUser();
    const missing = await app.http().post('/api/v1/login').send({ email: user.email });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'Both "email" and "password" are required.');
    const notJson = await app
      .http()
      .post('/api/v1/login')
      .set('Content-Type', 'application/json')
      .send('{"email":');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.message, 'Request body is not valid JSON.');
    const wrong = await app.http().post('/api/v1/login').send({ email: user.email, password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.message, 'Invalid email or password.');
    const unknown = await app
      .http()
      .post('/api/v1/login')
      .send({ email: 'nobody@example.org', password: 'x' });
    assert.equal(unknown.status, 401);
  });

  it('rejects missing, malformed, badly signed and expired tokens with 401', async () => {
    const user = await app.createUser();
    const payload = { id: user.id, nickname: 'x', groups: [{ id: 3, name: 'User' }] };
    const cases: [string, string | undefined, string][] = [
      ['missing', undefined, 'Missing Authorization header.'],
      [
        'not bearer',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        'Authorization header must be "Bearer <token>".',
      ],
      ['malformed', 'Bearer not.a.jwt', 'Invalid token.'],
      ['badly signed', `Bearer ${jwt.sign(payload, 'another-salt')}`, 'Invalid token.'],
      [
        'expired',
        `Bearer ${jwt.sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 60 }, TEST_SALT)}`,
        'Token expired.',
      ],
      ['other algorithm', `Bearer ${jwt.sign(payload, TEST_SALT, { algorithm: 'HS512' })}`, 'Invalid token.'],
      ['wrong payload', `Bearer ${jwt.sign({ sub: 'x' }, TEST_SALT)}`, 'Invalid token payload.'],
    ];
    for (const [name, header, message] of cases) {
      const req = app.http().get('/api/v1/jobs');
      if (header) req.set('Authorization', header);
      const res = await req;
      assert.equal(res.status, 401, name);
      assert.equal(res.body.message, message, name);
    }
  });

  it('accepts a token minted elsewhere with the same TOKEN_SALT and payload', async () => {
    const user = await app.createUser();
    const token = jwt.sign(
      { id: user.id, nickname: 'minted', groups: [{ id: 3, name: 'User' }] },
      TEST_SALT,
      {
        expiresIn: '5m',
      },
    );
    const res = await app.http().get('/api/v1/jobs').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200);
  });

  it('answers JSON 404 for an unknown route', async () => {
    const res = await app.http().get('/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'Not found.');
  });

  it('reports the database and the queue healthy', async () => {
    const res = await app.http().get('/api/v1/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', database: 'ok', queue: 'ok' });
  });
});

describe('Foundation: health when the database is down', () => {
  it('answers 503 when the database cannot be reached', async () => {
    const app = await startTestService({ env: { LOG_LEVEL: 'silent' } });
    try {
      await cutOffDatabase(app.service.databaseUrl);
      const res = await app.http().get('/api/v1/health');
      assert.equal(res.status, 503, res.text);
      assert.deepEqual(res.body, { status: 'error', database: 'error', queue: 'error' });
    } finally {
      await app.stop().catch(() => {});
    }
  });
});

describe('Foundation: several processes on one database', () => {
  it('start together (API and worker), stop on SIGTERM, and restart on what the others set up', async function () {
    this.timeout(120_000);
    const databaseUrl = await emptyDatabase();
    const common = { DATABASE_URL: databaseUrl, TOKEN_SALT: TEST_SALT, NODE_ENV: 'production' };
    const apiPort = await freePort();
    const api = startServiceProcess([], { ...common, PORT: String(apiPort), API_ONLY: 'true' });
    const worker = startServiceProcess(['--worker-only'], common);
    try {
      await Promise.all([api.waitFor(/Listening on/), worker.waitFor(/Worker-only process started/)]);
      const health = await fetch(`http://127.0.0.1:${apiPort}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.equal(await worker.stop(), true, 'the worker stopped on SIGTERM');
      assert.match(worker.output(), /SIGTERM received: stopping/);

      const again = startServiceProcess(['--worker-only'], common);
      try {
        await again.waitFor(/Worker-only process started/);
      } finally {
        assert.equal(await again.stop(), true);
      }
    } finally {
      assert.equal(await api.stop(), true, 'the API stopped on SIGTERM');
      await worker.stop('SIGKILL');
    }
  });
});

describe('Foundation: command line', () => {
  it('user:create creates then updates a user, prints its id, and the user can log in', async () => {
    const url = await migratedDatabase();
    const args = [
      'tsx',
      'scripts/user-create.ts',
      '--email',
      'cli@example.org',
      '--password',
      'secret-1',
      '--nickname',
      'Cli',
    ];
    const created = await run('npx', [...args, '--group', 'Moderator', '--language', 'fra'], {
      DATABASE_URL: url,
    });
    assert.equal(created.code, 0, created.stderr);
    const id = Number(created.stdout.trim());
    assert.ok(Number.isInteger(id) && id > 0, created.stdout);
    const again = await run('npx', [...args.slice(0, 5), 'secret-2', ...args.slice(6)], {
      DATABASE_URL: url,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(Number(again.stdout.trim()), id, 'same user updated');
    const rows = await query<{ id_language: string; groups: number[] }>(
      url,
      'SELECT id_language, array(SELECT id_group FROM j_caver_group WHERE id_caver = c.id) AS groups FROM t_caver c WHERE id = $1',
      [id],
    );
    assert.deepEqual(
      rows[0],
      { id_language: 'eng', groups: [3] },
      'second call reset language and group to defaults',
    );
    const bad = await run('npx', ['tsx', 'scripts/user-create.ts', '--email', 'x@example.org'], {
      DATABASE_URL: url,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: npm run user:create/);
  });

  it('refuses to start in production without TOKEN_SALT, with a clear message', async () => {
    const result = await run('npx', ['tsx', 'app.ts'], {
      NODE_ENV: 'production',
      TOKEN_SALT: '',
      DATABASE_URL: '',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /TOKEN_SALT must be set when NODE_ENV=production/);
  });
});
