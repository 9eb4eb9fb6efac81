import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setLogLevel } from '../../../api/lib/core/log';
import { SPEC_PATH } from '../../support/contract';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('Foundation: docs, static pages and logs', () => {
  const suite = useTestService();

  it('serves the OpenAPI description raw and as a Swagger UI page whose files come from the app', async () => {
    const raw = await suite.app.http().get('/api/v1/docs/swagger.yaml');
    assert.equal(raw.status, 200);
    assert.match(raw.headers['content-type'], /^application\/yaml/);
    assert.equal(raw.text, readFileSync(SPEC_PATH, 'utf8'));

    const page = await suite.app.http().get('/api/v1/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((s) => !s.startsWith('data:') && !s.startsWith('#'));
    assert.ok(sources.length >= 3);
    for (const source of sources) {
      assert.ok(source.startsWith('/'), `${source} is not served by the app`);
      const res = await suite.app.http().get(source);
      assert.equal(res.status, 200, source);
    }
  });

  it('serves the admin page and its own scripts without any CDN or third-party script', async () => {
    const page = await suite.app.http().get('/import/');
    assert.equal(page.status, 200);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((s) => !s.startsWith('data:') && !s.startsWith('#'));
    for (const source of sources) {
      assert.ok(source.startsWith('/'), `${source} is not served by the app`);
      assert.equal((await suite.app.http().get(source)).status, 200, source);
    }
    assert.ok(sources.includes('/import/main.js'));
    // The server parses the CSV file the page uploads: no CSV parser is sent to the browser.
    assert.deepEqual(
      sources.filter((source) => !source.startsWith('/import/')),
      [],
    );
  });

  it('never writes a password or a token to the logs, even at debug level', async () => {
    const user = await suite.app.createUser({ group: 'Administrator' });
    const written: string[] = [];
    const original = { out: process.stdout.write, err: process.stderr.write };
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    setLogLevel('debug');
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await suite.app.http().post('/api/v1/login').send({ email: user.email, password: user.password });
      await suite.app.http().post('/api/v1/login').send({ email: user.email, password: 'Wrong-Secret-123' });
      await suite.app
        .http()
        .get(`/api/v1/jobs?token=${user.token}`)
        .set('Authorization', `Bearer ${user.token}`);
      const accepted = await suite.app
        .http()
        .post('/api/v1/entrances/import-rows')
        .set('Authorization', `Bearer ${user.token}`)
        .send({ data: [entranceRow()] });
      await suite.app.waitForBatch(accepted.body.batchId, user.token);
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
      setLogLevel(suite.app.settings.logLevel);
    }
    const log = written.join('');
    assert.match(log, /POST \/api\/v1\/login 200/, 'requests were logged');
    for (const secret of [user.password, 'Wrong-Secret-123', user.token, user.token.split('.')[2]]) {
      assert.ok(!log.includes(secret), 'a secret reached the logs');
    }
  });
});
