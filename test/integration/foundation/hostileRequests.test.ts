import assert from 'node:assert/strict';
import net from 'node:net';
import jwt from 'jsonwebtoken';
import { entranceRow } from '../../support/rows';
import { TEST_SALT, useTestService } from '../../support/testService';

/** One raw request on its own socket: what a client that does not speak HTTP properly sends. */
async function rawRequest(
  url: string,
  request: Buffer | string,
): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.end(request);
  await new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  const [head, body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body };
}

/** A token that verifies but names a caver the database does not hold (or could not hold). */
function tokenFor(id: number, group = { id: 1, name: 'Administrator' }): string {
  return jwt.sign({ id, nickname: 'ghost', groups: [group] }, TEST_SALT, { expiresIn: '5m' });
}

describe('Foundation: hostile requests get a 4xx JSON message, never a 500 or an empty answer', () => {
  const suite = useTestService();

  it('answers a login with a NUL byte or an absurdly long email 401 Mismatch, as for any unknown email', async () => {
    for (const email of ['admin\u0000@example.org', `${'a'.repeat(10_000)}@example.org`]) {
      const res = await suite.app.http().post('/api/v1/login').send({ email, password: 'Whatever-123' });
      assert.equal(res.status, 401, JSON.stringify(email.slice(0, 20)));
      assert.equal(res.body.status, 'Mismatch');
    }
  });

  it('answers 401 for a signed token whose caver id is out of range or whose caver does not exist', async () => {
    for (const id of [2 ** 31, Number.MAX_SAFE_INTEGER, 987_654]) {
      const token = tokenFor(id);
      const jobs = await suite.app.http().get('/api/v1/jobs').set('Authorization', `Bearer ${token}`);
      assert.ok([200, 401].includes(jobs.status), `GET /jobs as ${id}: ${jobs.status}`);
      const imported = await suite.app
        .http()
        .post('/api/v1/entrances/import-rows')
        .set('Authorization', `Bearer ${token}`)
        .send({ data: [entranceRow()] });
      assert.equal(imported.status, 401, `import as ${id}: ${imported.text}`);
      assert.equal(typeof imported.body.message, 'string');
    }
    const [{ count }] = await suite.app.query('SELECT count(*)::int AS count FROM t_job_batch');
    assert.equal(count, 0, 'no batch was created for a caver that does not exist');
  });

  it('answers JSON 404 for a path that is not valid percent-encoding', async () => {
    for (const path of ['/api/v1/jobs/%zz', '/api/v1/entrance-duplicates/%E0%A4%A', '/import/%']) {
      const res = await suite.app.http().get(path).set('Authorization', `Bearer ${suite.admin.token}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers['content-type'], /^application\/json/, path);
      assert.equal(res.body.message, 'Not found.');
    }
  });

  it('answers JSON 400 for a request Node cannot parse and JSON 431 for headers too large', async () => {
    const nonAscii = await rawRequest(
      suite.app.url,
      Buffer.concat([
        Buffer.from('GET /api/v1/jobs/'),
        Buffer.from([0xe9, 0x7f]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    );
    assert.equal(nonAscii.status, 400);
    assert.match(nonAscii.headers, /content-type: application\/json/i);
    assert.deepEqual(JSON.parse(nonAscii.body), { message: 'The request is not valid HTTP.' });
    // The same for HEAD: the headers, and no body after them (a client would take it for garbage).
    const head = await rawRequest(
      suite.app.url,
      Buffer.concat([
        Buffer.from('HEAD /api/v1/'),
        Buffer.from([0xc3, 0xa9]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
    );
    assert.equal(head.status, 400);
    assert.match(head.headers, /content-length: \d+/i);
    assert.equal(head.body, '');

    const huge = await rawRequest(
      suite.app.url,
      `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
    );
    assert.equal(huge.status, 431);
    assert.equal(JSON.parse(huge.body).message, 'Request headers are too large.');

    const health = await suite.app.http().get('/api/v1/health');
    assert.equal(health.status, 200, 'the server still answers');
  });

  it('leaves a body unread where the route reads none: no undocumented 400, 413 or 415', async () => {
    const token = `Bearer ${suite.admin.token}`;
    const jobs = await suite.app
      .http()
      .get('/api/v1/jobs')
      .set('Authorization', token)
      .set('Content-Type', 'application/json')
      .send('{not json');
    assert.equal(jobs.status, 200, jobs.text);

    const count = await suite.app
      .http()
      .get('/api/v1/notifications/unread/count')
      .set('Authorization', token)
      .set('Content-Type', 'application/xml')
      .send('<a/>');
    assert.equal(count.status, 200, count.text);

    const deleted = await suite.app
      .http()
      .delete('/api/v1/entrance-duplicates?id=999999')
      .set('Authorization', token)
      .set('Content-Type', 'application/json')
      .send(`{"ids":[${'1,'.repeat(600_000)}1]}`);
    assert.equal(deleted.status, 404, 'the query decides, the 1.2 MB body is never parsed');

    // The routes that do read JSON still parse it under the router's own rules.
    const login = await suite.app
      .http()
      .post('/API/v1/Login/')
      .set('Content-Type', 'application/json')
      .send('{not json');
    assert.equal(login.status, 400);
    assert.equal(login.body.message, 'Request body is not valid JSON.');
  });
});
