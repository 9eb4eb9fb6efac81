import assert from 'node:assert/strict';
import type { JobStatus } from '../../../api/lib/http/views/jobStatus';
import { startWorkerProcess } from '../../support/cluster';
import { outcomesOf, submit } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { type TestUser, useTestService } from '../../support/testService';

const CANCELLED = 'Import cancelled before this row was processed.';

describe('Batch control: cancel', () => {
  // The API alone: chunks wait in the queue until a worker process (started by a test) takes them.
  const suite = useTestService({ settings: { queue: { workers: false } } });
  let moderator: TestUser;
  let user: TestUser;
  let otherAdmin: TestUser;

  before(async () => {
    moderator = await suite.app.createUser({ group: 'Moderator' });
    user = await suite.app.createUser({ group: 'User' });
    otherAdmin = await suite.app.createUser({ group: 'Administrator' });
  });

  const cancel = (batchId: string, token: string) =>
    suite.app.http().post(`/api/v1/jobs/${batchId}/cancel`).set('Authorization', `Bearer ${token}`);

  /** A worker process on the same database: the chunks run in another process than the cancel. */
  async function withWorkers<T>(work: () => Promise<T>): Promise<T> {
    const { databaseUrl } = suite.app.service;
    const workers = await startWorkerProcess(databaseUrl, suite.app.settings.storage.localDir);
    try {
      return await work();
    } finally {
      await workers.stop();
    }
  }

  it('cancels a batch whose chunks have not started: none runs, every row fails saying so, and failures.csv finishes the job', async function () {
    this.timeout(240_000);
    const rows = Array.from({ length: 110 }, () => entranceRow()); // 5 chunks of 25 rows at most
    const batchId = await submit(suite.app, suite.admin, rows);
    const res = await cancel(batchId, suite.admin.token);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.batchId, batchId);
    assert.ok(res.body.cancelledAt);
    assert.equal(res.body.cancelledBy, suite.admin.id);
    assert.equal(res.body.status, 'pending', 'its chunks wait for a worker');

    const again = await cancel(batchId, suite.admin.token);
    assert.equal(again.status, 202, 'asking twice changes nothing');
    assert.equal(again.body.cancelledAt, res.body.cancelledAt);

    const done = await withWorkers(() => suite.app.waitForBatch(batchId, suite.admin.token));
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(done.result?.summary, { successes: 0, duplicates: 0, failures: 110 });
    const outcomes = await outcomesOf(suite.app, batchId);
    assert.equal(outcomes.length, 110);
    assert.ok(outcomes.every((o) => o.outcome === 'failure' && o.message === CANCELLED));
    const [{ n: entrances }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_entrance WHERE id_job_batch = $1',
      [batchId],
    );
    assert.equal(entrances, 0);

    // failures.csv, imported again as it is, imports every row.
    const failures = await download(done.result!.reportUrls.failures!);
    assert.equal(failures.rows.length, 111);
    const header = failures.rows[0];
    const again2 = failures.rows
      .slice(1)
      .map((cells) => Object.fromEntries(header.map((c, i) => [c, cells[i]])));
    const rerun = await submit(suite.app, suite.admin, again2);
    const finished = await withWorkers(() => suite.app.waitForBatch(rerun, suite.admin.token));
    assert.deepEqual(finished.result?.summary, { successes: 110, duplicates: 0, failures: 0 });
  });

  it('lets the initiator and administrators cancel, nobody else; 404 for no batch; 409 once ended', async () => {
    const batchId = await submit(suite.app, suite.admin, [entranceRow()]);
    for (const [who, token] of [
      ['moderator', moderator.token],
      ['user', user.token],
    ] as const) {
      const res = await cancel(batchId, token);
      assert.equal(res.status, 403, who);
      assert.deepEqual(res.body, { message: 'You are not authorized to control this job.' });
    }
    const unauthenticated = await suite.app.http().post(`/api/v1/jobs/${batchId}/cancel`);
    assert.equal(unauthenticated.status, 401);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      assert.equal((await cancel(id, suite.admin.token)).status, 404, id);
    }
    const early = await suite.app
      .http()
      .post(`/api/v1/jobs/${batchId}/revert`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(early.status, 409, 'a batch still running cannot be reverted');
    assert.equal(
      early.body.message,
      'This import has not ended yet (pending): it can be reverted once it has.',
    );
    const byOther = await cancel(batchId, otherAdmin.token);
    assert.equal(byOther.status, 202, 'another administrator may');
    assert.equal(byOther.body.cancelledBy, otherAdmin.id);
    const done = await withWorkers(() => suite.app.waitForBatch(batchId, suite.admin.token));
    assert.equal(done.status, 'cancelled');

    const reverted = await suite.app
      .http()
      .post(`/api/v1/jobs/${batchId}/revert`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(reverted.status, 200, 'a cancelled batch can be reverted');
    assert.equal(reverted.body.status, 'cancelled');
    const ended = await cancel(batchId, suite.admin.token);
    assert.equal(ended.status, 409);
    assert.equal(ended.body.message, 'This import has ended (cancelled): it can no longer be cancelled.');

    // Every row processed, the reports being written: nothing is left to cancel.
    const writing = await submit(suite.app, suite.admin, [entranceRow()]);
    await suite.app.query("UPDATE t_job_batch SET status = 'aggregating' WHERE id = $1", [writing]);
    const late = await cancel(writing, suite.admin.token);
    assert.equal(late.status, 409);
    assert.equal(
      late.body.message,
      'This import has processed every row and is writing its reports: it can no longer be cancelled.',
    );
    const [{ cancelled_at }] = await suite.app.query('SELECT cancelled_at FROM t_job_batch WHERE id = $1', [
      writing,
    ]);
    assert.equal(cancelled_at, null);
    await suite.app.query("UPDATE t_job_batch SET status = 'pending' WHERE id = $1", [writing]);
  });

  it('answers 401, cancelling nothing, for the token of an administrator deleted since', async () => {
    const ghost = await suite.app.createUser({ group: 'Administrator' });
    await suite.app.query('DELETE FROM j_caver_group WHERE id_caver = $1', [ghost.id]);
    await suite.app.query('DELETE FROM t_caver WHERE id = $1', [ghost.id]);
    const batchId = await submit(suite.app, suite.admin, [entranceRow()]);
    const res = await cancel(batchId, ghost.token);
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, {
      message: 'The account this token was issued for no longer exists. Sign in again.',
    });
    const [batch] = await suite.app.query('SELECT cancelled_at FROM t_job_batch WHERE id = $1', [batchId]);
    assert.equal(batch.cancelled_at, null);
  });

  it('ends in exactly one final status when a cancel races the last chunk, every row once', async () => {
    await withWorkers(async () => {
      const finals: string[] = [];
      for (let attempt = 0; attempt < 8; attempt++) {
        const rows = Array.from({ length: 30 + attempt * 7 }, () => entranceRow());
        const batchId = await submit(suite.app, suite.admin, rows);
        // Cancel at a different moment of each batch's life: before, during or after its chunks.
        await new Promise((resolve) => setTimeout(resolve, attempt * 150));
        const res = await cancel(batchId, suite.admin.token);
        assert.ok([202, 409].includes(res.status), res.text);
        const done: JobStatus = await suite.app.waitForBatch(batchId, suite.admin.token);
        finals.push(done.status);
        if (res.status === 202) {
          assert.equal(done.status, 'cancelled', 'a cancel that was accepted ends the batch cancelled');
        } else {
          assert.equal(done.status, 'completed');
          assert.equal(done.cancelledAt, null);
        }
        const outcomes = await outcomesOf(suite.app, batchId);
        assert.equal(outcomes.length, rows.length, 'every row has exactly one outcome');
        const summary = done.result!.summary;
        assert.equal(summary.successes + summary.duplicates + summary.failures, rows.length);
        assert.equal(summary.successes, outcomes.filter((o) => o.outcome === 'success').length);
        const [{ n: entrances }] = await suite.app.query(
          'SELECT count(*)::int AS n FROM t_entrance WHERE id_job_batch = $1',
          [batchId],
        );
        assert.equal(entrances, summary.successes, 'an entrance exactly for each success');
        assert.ok(
          outcomes.every((o) => o.outcome === 'success' || o.message === CANCELLED),
          'a row either imported or was cancelled',
        );
      }
      assert.ok(finals.length === 8);
    });
  });
});
