import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type supertest from 'supertest';
import { migrateDatabase } from '../../../api/lib/db/migrate';
import { PG_BOSS_LISTEN_APPLICATION_NAME } from '../../../api/lib/queue/boss';
import { until } from '../../support/cluster';
import { cutOffDatabase } from '../../support/database';
import { type PrivatePostgres, startPrivatePostgres } from '../../support/privatePostgres';
import { entranceRow } from '../../support/rows';
import { startTestService, type TestService, useTestService } from '../../support/testService';

describe('Foundation: health', () => {
  const suite = useTestService();

  it('reports the database and the queue healthy', async () => {
    const res = await suite.app.http().get('/api/v1/health');
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

  it('hears of new jobs on a LISTEN connection of its own, which comes back when it is terminated', async () => {
    const app = await startTestService({ env: { LOG_LEVEL: 'silent' } });
    try {
      const listening = async () =>
        (
          await app.query(
            'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
            [PG_BOSS_LISTEN_APPLICATION_NAME],
          )
        ).map((row) => row.pid as number);
      const [first, ...others] = await listening();
      assert.ok(first, 'a LISTEN connection');
      assert.deepEqual(others, []);
      await app.query('SELECT pg_terminate_backend($1)', [first]);
      await until(
        async () => {
          const pids = await listening();
          return pids.length === 1 && pids[0] !== first;
        },
        30_000,
        'a new LISTEN connection',
      );
    } finally {
      await app.stop();
    }
  });

  it('stops without an uncaught error when the database goes away as it stops', async function () {
    this.timeout(120_000);
    // The server's last word on a connection being ended ("terminating connection") must find an
    // error listener: once it did not, on pg-boss's LISTEN connection, and ended the process.
    // A race, so tried several times; mocha fails the test on any uncaught error.
    for (let attempt = 0; attempt < 10; attempt++) {
      const app = await startTestService({ env: { LOG_LEVEL: 'silent' } });
      await Promise.all([cutOffDatabase(app.service.databaseUrl), delay(attempt * 4).then(() => app.stop())]);
    }
  });
});

describe('Foundation: every route when the database is unreachable', () => {
  let postgres: PrivatePostgres;
  let app: TestService;

  before(async function () {
    this.timeout(120_000);
    postgres = await startPrivatePostgres('cave_import_down');
    await migrateDatabase(postgres.url);
    app = await startTestService({ settings: { databaseUrl: postgres.url }, env: { LOG_LEVEL: 'silent' } });
  });

  after(async function () {
    this.timeout(60_000);
    await app?.stop().catch(() => {});
    await postgres?.destroy();
  });

  it('answers 503 with Retry-After and a JSON message, changing nothing, on every route that needs it', async function () {
    this.timeout(120_000);
    const admin = await app.createUser({ group: 'Administrator' });
    const batchId = randomUUID();
    await postgres.stop();
    try {
      const auth = `Bearer ${admin.token}`;
      const requests: [string, () => supertest.Test][] = [
        [
          'login',
          () => app.http().post('/api/v1/login').send({ email: admin.email, password: admin.password }),
        ],
        [
          'check-rows',
          () =>
            app
              .http()
              .post('/api/v1/entrances/check-rows')
              .set('Authorization', auth)
              .send({ data: [entranceRow()] }),
        ],
        ['jobs', () => app.http().get('/api/v1/jobs').set('Authorization', auth)],
        ['job', () => app.http().get(`/api/v1/jobs/${batchId}`).set('Authorization', auth)],
        ['cancel', () => app.http().post(`/api/v1/jobs/${batchId}/cancel`).set('Authorization', auth)],
        ['revert', () => app.http().post(`/api/v1/jobs/${batchId}/revert`).set('Authorization', auth)],
        ['rebuild', () => app.http().post(`/api/v1/jobs/${batchId}/reports`).set('Authorization', auth)],
        ['duplicates', () => app.http().get('/api/v1/entrance-duplicates').set('Authorization', auth)],
        ['duplicate', () => app.http().get('/api/v1/entrance-duplicates/1').set('Authorization', auth)],
        [
          'delete duplicates',
          () => app.http().delete('/api/v1/entrance-duplicates?id=1&id=2').set('Authorization', auth),
        ],
        [
          'delete duplicate',
          () => app.http().delete('/api/v1/entrance-duplicates/1').set('Authorization', auth),
        ],
        [
          'from duplicate',
          () => app.http().post('/api/v1/entrances/from-duplicate/1').set('Authorization', auth),
        ],
        ['notifications', () => app.http().get('/api/v1/notifications').set('Authorization', auth)],
        [
          'unread count',
          () => app.http().get('/api/v1/notifications/unread/count').set('Authorization', auth),
        ],
        ['mark read', () => app.http().post('/api/v1/notifications/1/read').set('Authorization', auth)],
        [
          'mark several read',
          () =>
            app
              .http()
              .put('/api/v1/notifications/read')
              .set('Authorization', auth)
              .send({ ids: [1] }),
        ],
        ['preference', () => app.http().get('/api/v1/account/notifications').set('Authorization', auth)],
        [
          'set preference',
          () =>
            app
              .http()
              .patch('/api/v1/account/notifications')
              .set('Authorization', auth)
              .send({ send_notification_by_email: false }),
        ],
      ];
      for (const [name, send] of requests) {
        const res = await send();
        assert.equal(res.status, 503, `${name}: ${res.status} ${res.text}`);
        assert.equal(res.headers['retry-after'], '5', name);
        assert.deepEqual(
          res.body,
          { message: 'The database is busy or restarting. Try again in a moment.' },
          name,
        );
      }
      // Live progress reads the job first: the same answer, before any stream is opened.
      const events = await app.http().get(`/api/v1/jobs/${batchId}/events`).set('Authorization', auth);
      assert.equal(events.status, 503, events.text);
      // The import itself answers as Grottocenter does when its queue is down.
      const imported = await app
        .http()
        .post('/api/v1/entrances/import-rows')
        .set('Authorization', auth)
        .send({ data: [entranceRow()] });
      assert.equal(imported.status, 500, imported.text);
    } finally {
      await postgres.start();
    }
    // Back: the service serves again, and nothing was changed meanwhile.
    await until(async () => (await app.http().get('/api/v1/health')).status === 200, 60_000, 'healthy again');
    const [{ batches }] = await app.query('SELECT count(*)::int AS batches FROM t_job_batch');
    assert.equal(batches, 0);
  });
});
