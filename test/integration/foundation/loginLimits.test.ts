import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { freePort } from '../../support/database';
import { startServiceProcess } from '../../support/processes';
import { startTestService, TEST_SALT, type TestService, useTestService } from '../../support/testService';

const LOGIN = '/api/v1/login';

describe('Foundation: login limits', () => {
  const limits = { perAccount: 3, perClient: 6, windowSeconds: 60 };
  const suite = useTestService({ settings: { login: limits } });

  const login = (app: TestService, email: string, password: string) =>
    app.http().post(LOGIN).send({ email, password });

  it('answers 429 with Retry-After past the attempts allowed for an address, right password or not', async () => {
    const user = await suite.app.createUser();
    for (let i = 0; i < limits.perAccount; i++) {
      assert.equal((await login(suite.app, user.email, 'wrong')).status, 401);
    }
    const refused = await login(suite.app, user.email.toUpperCase(), user.password);
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { message: 'Too many login attempts. Try again later.' });
    const wait = Number(refused.headers['retry-after']);
    assert.ok(wait >= 1 && wait <= limits.windowSeconds, `Retry-After: ${wait}`);
  });

  it('counts every address from one client, in the database, across API processes', async function () {
    this.timeout(90_000);
    // A second API process on the same database: the client's attempts add up across both.
    const port = await freePort();
    const other = startServiceProcess([], {
      DATABASE_URL: suite.app.service.databaseUrl,
      TOKEN_SALT: TEST_SALT,
      PORT: String(port),
      API_ONLY: 'true',
      LOGIN_LIMIT_PER_ACCOUNT: String(limits.perAccount),
      LOGIN_LIMIT_PER_CLIENT: String(limits.perClient),
      LOGIN_LIMIT_WINDOW: String(limits.windowSeconds),
    });
    try {
      await other.waitFor(/Listening on/);
      const statuses: number[] = [];
      for (let i = 0; i < limits.perClient + 1; i++) {
        const body = { email: `nobody-${i}@example.org`, password: 'x' };
        const res =
          i % 2
            ? await fetch(`http://127.0.0.1:${port}${LOGIN}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(body),
              })
            : await suite.app.http().post(LOGIN).send(body);
        statuses.push(res.status);
      }
      // The first test already spent 4 of this client's attempts.
      assert.deepEqual(statuses, [401, 401, 429, 429, 429, 429, 429]);
    } finally {
      await other.stop();
    }
  });
});

// Each test here starts its own service: two Sails apps cannot share one process.
describe('Foundation: login counts and password hashing', () => {
  const limits = { perAccount: 3, perClient: 6, windowSeconds: 60 };
  const login = (app: TestService, email: string, password: string) =>
    app.http().post(LOGIN).send({ email, password });

  it('resets the address count after a successful login', async () => {
    const app = await startTestService({ settings: { login: { ...limits, perClient: 100 } } });
    try {
      const user = await app.createUser();
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < limits.perAccount - 1; i++)
          assert.equal((await login(app, user.email, 'no')).status, 401);
        assert.equal((await login(app, user.email, user.password)).status, 200, `round ${round}`);
      }
    } finally {
      await app.stop();
    }
  });

  it('keeps verifying a bcrypt hash stored before argon2, and replaces it with argon2id', async () => {
    const app = await startTestService({ settings: { login: limits } });
    try {
      const user = await app.createUser();
      await app.query('UPDATE t_caver SET password = $2 WHERE id = $1', [
        user.id,
        await bcrypt.hash(user.password, 10),
      ]);
      assert.equal((await login(app, user.email, 'not-it')).status, 401);
      assert.equal((await login(app, user.email, user.password)).status, 200);
      const [{ password }] = await app.query('SELECT password FROM t_caver WHERE id = $1', [user.id]);
      assert.match(password, /^\$argon2id\$/);
      assert.equal((await login(app, user.email, user.password)).status, 200);
    } finally {
      await app.stop();
    }
  });

  it('hashes off the event loop: logins at once, argon2 and bcrypt, never hold it', async () => {
    const app = await startTestService({
      settings: { login: { perAccount: 100, perClient: 100, windowSeconds: 60 } },
    });
    try {
      const users = await Promise.all(Array.from({ length: 4 }, () => app.createUser()));
      const legacy = users.slice(0, 2);
      for (const user of legacy) {
        await app.query('UPDATE t_caver SET password = $2 WHERE id = $1', [
          user.id,
          await bcrypt.hash(user.password, 10),
        ]);
      }
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          login(app, users[i % 4].email, i % 3 ? users[i % 4].password : 'no'),
        ),
      );
      delay.disable();
      assert.ok(answers.every((res) => res.status === 200 || res.status === 401));
      // bcryptjs on the main thread held it ~60 ms a comparison, most of the time these logins take;
      // now the loop turns freely. The 90th percentile, not the maximum: the machine's own noise (a
      // GC pause, another process on the same cores) may stall one turn, never most of them.
      const p90Ms = delay.percentile(90) / 1e6;
      assert.ok(
        p90Ms < 40,
        `the event loop waited ${p90Ms.toFixed(1)} ms (p90), ${(delay.max / 1e6).toFixed(1)} ms at worst`,
      );
    } finally {
      await app.stop();
    }
  });
});
