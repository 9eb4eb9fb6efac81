import assert from 'node:assert/strict';
import { emptyDatabase, freePort, migratedDatabase, queryDatabase } from '../../support/database';
import { runCommand, startServiceProcess } from '../../support/processes';
import { TEST_SALT } from '../../support/testService';

describe('Foundation: several processes on one database', () => {
  it('start together (API and worker), stop on SIGTERM, and restart on what the others set up', async function () {
    this.timeout(120_000);
    const databaseUrl = await emptyDatabase();
    const common = {
      DATABASE_URL: databaseUrl,
      TOKEN_SALT: TEST_SALT,
      NODE_ENV: 'production',
      REPORT_STORAGE: 'local',
    };
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
    const created = await runCommand('npx', [...args, '--group', 'Moderator', '--language', 'fra'], {
      DATABASE_URL: url,
    });
    assert.equal(created.code, 0, created.stderr);
    const id = Number(created.stdout.trim());
    assert.ok(Number.isInteger(id) && id > 0, created.stdout);
    const again = await runCommand('npx', [...args.slice(0, 5), 'secret-2', ...args.slice(6)], {
      DATABASE_URL: url,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(Number(again.stdout.trim()), id, 'same user updated');
    const rows = await queryDatabase<{ id_language: string; groups: number[] }>(
      url,
      'SELECT id_language, array(SELECT id_group FROM j_caver_group WHERE id_caver = c.id) AS groups FROM t_caver c WHERE id = $1',
      [id],
    );
    assert.deepEqual(
      rows[0],
      { id_language: 'eng', groups: [3] },
      'second call reset language and group to defaults',
    );
    const bad = await runCommand('npx', ['tsx', 'scripts/user-create.ts', '--email', 'x@example.org'], {
      DATABASE_URL: url,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: npm run user:create/);
  });

  it('refuses to start in production without TOKEN_SALT, with a clear message', async () => {
    const result = await runCommand('npx', ['tsx', 'app.ts'], {
      NODE_ENV: 'production',
      REPORT_STORAGE: 'local',
      TOKEN_SALT: '',
      DATABASE_URL: '',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /TOKEN_SALT must be set when NODE_ENV=production/);
  });

  it('refuses to start with a setting that cannot be right, naming it, before touching anything', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ IMPORT_MAX_BODY: '1g' }, /Configuration error: IMPORT_MAX_BODY must be a size from 1kb to 512mb/],
      [{ NODE_ENV: 'staging', TOKEN_SALT: 'x' }, /Configuration error: No report storage is configured/],
    ];
    for (const [env, message] of cases) {
      const result = await runCommand('npx', ['tsx', 'app.ts'], {
        DATABASE_URL: 'postgres://nowhere.invalid/x',
        ...env,
      });
      assert.equal(result.code, 1, JSON.stringify(env));
      assert.match(result.stderr, message);
    }
  });
});
