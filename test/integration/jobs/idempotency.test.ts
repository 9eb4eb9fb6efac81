import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { deleteExpiredIdempotencyKeys } from '../../../api/lib/db/sql/importRequests';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

const IMPORT = '/api/v1/entrances/import-rows';

describe('Batch control: Idempotency-Key on import-rows', () => {
  const suite = useTestService();

  const post = (user: TestUser, body: string, key?: string, type = 'application/json') => {
    const req = suite.app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${user.token}`)
      .set('Content-Type', type);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const batches = async () =>
    (await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch'))[0].n as number;
  const jsonOf = (rows: object[]) => JSON.stringify({ data: rows });

  it('answers a repeated request (same key, same body) with the original 202 and creates nothing', async () => {
    const body = jsonOf([entranceRow(), entranceRow()]);
    const key = randomUUID();
    const first = await post(suite.admin, body, key);
    assert.equal(first.status, 202, first.text);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const before = await batches();

    const again = await post(suite.admin, body, key);
    assert.equal(again.status, 202, again.text);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(await batches(), before, 'no second batch');

    const done = await suite.app.waitForBatch(first.body.batchId, suite.admin.token);
    assert.deepEqual(done.result?.summary, { successes: 2, duplicates: 0, failures: 0 });
    const late = await post(suite.admin, body, key);
    assert.equal(late.body.batchId, first.body.batchId, 'also once the batch has ended');
  });

  it('answers 409 for the same key with another body, and creates nothing', async () => {
    const key = randomUUID();
    const row = entranceRow();
    assert.equal((await post(suite.admin, jsonOf([row]), key)).status, 202);
    const before = await batches();
    for (const [body, type] of [
      [jsonOf([row, entranceRow()]), 'application/json'],
      [jsonOf([row]).replace('{', '{ '), 'application/json'], // the same rows, other bytes
    ]) {
      const res = await post(suite.admin, body, key, type);
      assert.equal(res.status, 409, `${type}: ${res.text}`);
      assert.match(
        res.body.message,
        /Idempotency-Key was used in the last 24 hours for another request body/,
      );
    }
    assert.equal(await batches(), before);
  });

  it('creates one batch for two identical requests sent at once, and answers both with it', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const body = jsonOf(Array.from({ length: 300 }, () => entranceRow()));
      const key = randomUUID();
      const before = await batches();
      const [a, b] = await Promise.all([post(suite.admin, body, key), post(suite.admin, body, key)]);
      assert.equal(a.status, 202, a.text);
      assert.equal(b.status, 202, b.text);
      assert.equal(a.body.batchId, b.body.batchId);
      assert.equal(await batches(), before + 1);
      const replayed = [a, b].filter((res) => res.headers['idempotent-replayed'] === 'true');
      assert.equal(replayed.length, 1, 'exactly one of them is the replay');
      const done = await suite.app.waitForBatch(a.body.batchId, suite.admin.token);
      assert.equal(done.result?.summary.successes, 300);
    }
  });

  it('keeps keys apart per user, and applies to CSV uploads', async () => {
    const other = await suite.app.createUser({ group: 'Administrator' });
    const key = randomUUID();
    const body = jsonOf([entranceRow()]);
    const mine = await post(suite.admin, body, key);
    const theirs = await post(other, body, key);
    assert.equal(mine.status, 202);
    assert.equal(theirs.status, 202);
    assert.notEqual(mine.body.batchId, theirs.body.batchId, 'another user’s key is another key');

    const row = entranceRow();
    const csv = `${Object.keys(row).join(',')}\n${Object.values(row)
      .map((value) => `"${value.replaceAll('"', '""')}"`)
      .join(',')}\n`;
    const csvKey = randomUUID();
    const first = await post(suite.admin, csv, csvKey, 'text/csv');
    const again = await post(suite.admin, csv, csvKey, 'text/csv');
    assert.equal(first.status, 202, first.text);
    assert.equal(again.body.batchId, first.body.batchId);
    assert.equal(again.headers['idempotent-replayed'], 'true');
  });

  it('refuses a key that cannot be one with 400, before reading the body', async () => {
    const before = await batches();
    for (const key of ['', 'a'.repeat(256), 'with space', 'é']) {
      const res = await suite.app
        .http()
        .post(IMPORT)
        .set('Authorization', `Bearer ${suite.admin.token}`)
        .set('Content-Type', 'application/json')
        .set('Idempotency-Key', Buffer.from(key, 'utf8').toString('latin1'))
        .send(jsonOf([entranceRow()]));
      assert.equal(res.status, 400, JSON.stringify(key));
      assert.match(res.body.message, /Idempotency-Key must be 1 to 255 visible ASCII characters/);
    }
    assert.equal(await batches(), before);
  });

  it('names one import for 24 hours: past that, the key is free again, and the hourly sweep forgets it', async () => {
    const key = randomUUID();
    const first = await post(suite.admin, jsonOf([entranceRow()]), key);
    assert.equal(first.status, 202);
    await suite.app.query(
      "UPDATE t_import_request SET created_at = now() - interval '25 hours' WHERE idempotency_key = $1",
      [key],
    );
    const later = await post(suite.admin, jsonOf([entranceRow()]), key);
    assert.equal(later.status, 202, 'another body, a day later: a new import');
    assert.notEqual(later.body.batchId, first.body.batchId);
    assert.equal(later.headers['idempotent-replayed'], undefined);

    await suite.app.query(
      "UPDATE t_import_request SET created_at = now() - interval '25 hours' WHERE idempotency_key = $1",
      [key],
    );
    assert.ok((await deleteExpiredIdempotencyKeys(suite.app.service.pool)) >= 1);
    const [{ n }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_import_request WHERE idempotency_key = $1',
      [key],
    );
    assert.equal(n, 0);
  });

  it('answers a malformed key before the body has arrived', async () => {
    const { hostname, port } = new URL(suite.app.url);
    const socket = net.connect(Number(port), hostname);
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      socket.on('error', reject);
    });
    // Headers and the first bytes of a body announced as 10 MB, the rest never sent.
    socket.write(
      `POST ${IMPORT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${suite.admin.token}\r\n` +
        'Content-Type: application/json\r\nIdempotency-Key: has space\r\nContent-Length: 10000000\r\n\r\n{"data":[',
    );
    assert.match(await answer, /^HTTP\/1\.1 400 /);
    socket.destroy();
  });

  it('answers 401, creating nothing, for a key sent with the token of an account deleted since', async () => {
    const ghost = await suite.app.createUser({ group: 'Administrator' });
    await suite.app.query('DELETE FROM j_caver_group WHERE id_caver = $1', [ghost.id]);
    await suite.app.query('DELETE FROM t_caver WHERE id = $1', [ghost.id]);
    const before = await batches();
    const res = await post(ghost, jsonOf([entranceRow()]), randomUUID());
    assert.equal(res.status, 401, res.text);
    assert.equal(await batches(), before);
  });

  it('answers 415 for a body it cannot read before telling a used key apart (409)', async () => {
    const body = jsonOf([entranceRow()]);
    const key = randomUUID();
    assert.equal((await post(suite.admin, body, key)).status, 202);
    const before = await batches();
    for (const type of ['text/plain', 'text/csv; charset=latin-9']) {
      const res = await post(suite.admin, body, key, type);
      assert.equal(res.status, 415, `${type}: ${res.text}`);
    }
    assert.equal(await batches(), before);
  });

  it('does not let a request that failed its checks hold the key', async () => {
    const key = randomUUID();
    const bad = await post(suite.admin, JSON.stringify({ data: [] }), key);
    assert.equal(bad.status, 400);
    const good = await post(suite.admin, jsonOf([entranceRow()]), key);
    assert.equal(good.status, 202, 'the key is still free');
  });
});
