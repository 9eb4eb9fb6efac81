import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { recoverStalledBatches } from '../../../api/lib/pipeline/recoverBatches';
import { startWorkers } from '../../../api/lib/queue/workers';
import { cachedReferenceData } from '../../../api/lib/rows/referenceData';
import { createReportStorage } from '../../../api/lib/storage';
import { outcomesOf, submit } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { silentMailer, TEST_SALT, useTestService } from '../../support/testService';

describe('CSVImportQueueService: recovery of batches whose jobs were lost', () => {
  // No workers at first: the test decides what is lost before anything runs.
  const suite = useTestService({ settings: { import: { chunkSize: 5 }, queue: { workers: false } } });
  const recover = () =>
    recoverStalledBatches({
      db: suite.app.service.pool,
      queue: suite.app.service.queue,
      queueSchema: suite.app.settings.queue.schema,
      graceSeconds: 0,
    });

  it('fails the rows of chunks whose jobs are gone, then ends the batch; later sweeps find nothing', async () => {
    const batchId = await submit(
      suite.app,
      suite.admin,
      Array.from({ length: 10 }, () => entranceRow()),
    );
    await suite.app.deleteJobsOf(QUEUES.chunk, batchId);

    assert.deepEqual(await recover(), { completionChecks: 0, lostChunks: 2, aggregations: 0, emails: 0 });
    assert.deepEqual(
      await recover(),
      { completionChecks: 0, lostChunks: 0, aggregations: 0, emails: 0 },
      'the dead letters are live',
    );

    const { pool, boss, queue, settings } = suite.app.service;
    await startWorkers({
      boss,
      queue,
      pool,
      jobUrl: (id) => `${suite.app.url}/api/v1/jobs/${id}`,
      settings,
      referenceData: cachedReferenceData(pool),
      storage: createReportStorage(settings, TEST_SALT),
      mailer: silentMailer(),
    });
    const status = await suite.app.waitForBatch(batchId, suite.admin.token);
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 0, duplicates: 0, failures: 10 });
    for (const outcome of await outcomesOf(suite.app, batchId)) {
      assert.equal(outcome.message, 'Chunk failed: its import job was lost');
    }
    assert.deepEqual(await recover(), { completionChecks: 0, lostChunks: 0, aggregations: 0, emails: 0 });
  });

  it('re-runs a lost completion check and a lost aggregation', async () => {
    const batchId = await submit(suite.app, suite.admin, [entranceRow(), entranceRow()]);
    await suite.app.waitForBatch(batchId, suite.admin.token);
    const rewind = (status: string) =>
      suite.app.query(
        `UPDATE t_job_batch SET status = $2, result = NULL, completed_at = NULL WHERE id = $1`,
        [batchId, status],
      );

    await rewind('active');
    assert.deepEqual(await recover(), { completionChecks: 1, lostChunks: 0, aggregations: 0, emails: 0 });
    assert.equal((await suite.app.waitForBatch(batchId, suite.admin.token)).status, 'completed');

    await rewind('aggregating');
    assert.deepEqual(await recover(), { completionChecks: 0, lostChunks: 0, aggregations: 1, emails: 0 });
    const status = await suite.app.waitForBatch(batchId, suite.admin.token);
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 2, duplicates: 0, failures: 0 });
    const [{ n }] = await suite.app.query(
      'SELECT count(*)::int AS n FROM t_notification WHERE id_job_batch = $1',
      [batchId],
    );
    assert.equal(n, 1, 'still one notification');
  });
});
