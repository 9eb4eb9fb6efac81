import assert from 'node:assert/strict';
import http from 'node:http';
import { stringify } from 'csv-stringify/sync';
import pg from 'pg';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

const IMPORT = '/api/v1/entrances/import-rows';
const IDLE_SECONDS = 2;

/** An upload that sends its header and a few rows, then nothing, until `end` or `destroy`. */
function stalledUpload(base: string, token: string) {
  const request = http.request(`${base}${IMPORT}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
  });
  const answer = new Promise<{ status: number; body: string } | Error>((resolve) => {
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', resolve);
  });
  request.write(stringify([entranceRow(), entranceRow()], { header: true }));
  return { request, answer };
}

describe('Import rows: uploads held to IMPORT_MAX_UPLOADS and closed when they stall', () => {
  const suite = useTestService({
    settings: { dbPoolSize: 4, import: { maxConcurrentUploads: 2 }, idleTimeoutSeconds: IDLE_SECONDS },
  });

  const staging = async () => {
    const [{ n }] = await suite.app.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'COPY t_job_batch_row%' AND state <> 'idle'`,
    );
    return n as number;
  };

  it('answers 503 with Retry-After past the limit, keeps serving reads, and frees the slots of stalled uploads', async function () {
    this.timeout(60_000);
    const { app, admin } = suite;
    const [{ before }] = await app.query('SELECT count(*)::int AS before FROM t_job_batch');
    const stalled = [stalledUpload(app.url, admin.token), stalledUpload(app.url, admin.token)];
    for (let i = 0; i < 100 && (await staging()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await staging(), 2, 'both uploads are staging');

    const refused = await app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ data: [entranceRow()] });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.headers['retry-after'], '30');
    assert.match(refused.body.message, /^This server is receiving as many imports as it can right now/);
    const jobs = await app.http().get('/api/v1/jobs').set('Authorization', `Bearer ${admin.token}`);
    assert.ok([200, 206].includes(jobs.status), `reads find a connection: ${jobs.status} ${jobs.text}`);

    // Sending nothing for the idle time closes them: their transactions roll back, their slots free.
    const answers = await Promise.all(stalled.map(({ answer }) => answer));
    assert.ok(
      answers.every((answer) => answer instanceof Error),
      JSON.stringify(answers),
    );
    for (let i = 0; i < 100 && (await staging()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await staging(), 0);
    const [{ after }] = await app.query('SELECT count(*)::int AS after FROM t_job_batch');
    assert.equal(after, before, 'nothing of the stalled uploads was kept');

    const accepted = await app
      .http()
      .post(IMPORT)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ data: [entranceRow()] });
    assert.equal(accepted.status, 202, accepted.text);
  });

  it('keeps a revert that computes (here: waits on a lock) past the idle time open until it answers', async function () {
    this.timeout(60_000);
    const { app, admin } = suite;
    const batch = await importAndWait(app, admin, [entranceRow()]);
    const locker = new pg.Client({ connectionString: app.service.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM t_job_batch WHERE id = $1 FOR UPDATE', [batch.batchId]);
      const reverting = app
        .http()
        .post(`/api/v1/jobs/${batch.batchId}/revert`)
        .set('Authorization', `Bearer ${admin.token}`);
      const answer = reverting.then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, (IDLE_SECONDS + 2) * 1000));
      await locker.query('COMMIT');
      const res = await answer;
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.revertedAt);
    } finally {
      await locker.end();
    }
  });
});
