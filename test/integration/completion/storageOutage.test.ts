import assert from 'node:assert/strict';
import { freePort } from '../../support/database';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { silentMailer, startTestService } from '../../support/testService';

describe('Batch completion: storage outage', () => {
  it('ends the batch failed with an actionable error, keeps the summary and still notifies', async () => {
    const deadPort = await freePort(); // nothing listens there: every upload is refused
    const mailer = silentMailer();
    const app = await startTestService({
      mailer,
      env: { LOG_LEVEL: 'silent' },
      settings: {
        storage: {
          azureAccountName: 'devstoreaccount1',
          azureKey: Buffer.from('not-a-real-key').toString('base64'),
          azureBlobEndpoint: `http://127.0.0.1:${deadPort}/devstoreaccount1`,
        },
        queue: { aggregateRetryLimit: 1, aggregateRetryDelaySeconds: 1 },
      },
    });
    try {
      const admin = await app.createUser({ group: 'Administrator' });
      const status = await importAndWait(app, admin, [
        entranceRow(),
        entranceRow({ 'gn:countryCode': 'ZZ' }),
      ]);
      assert.equal(status.status, 'failed');
      assert.deepEqual(status.result?.summary, { successes: 1, duplicates: 0, failures: 1 });
      assert.deepEqual(status.result?.reportUrls, { success: null, duplicates: null, failures: null });
      assert.match(status.result?.error ?? '', /reports could not be stored after 2 attempts/);
      assert.match(status.result?.error ?? '', /Check the report storage \(azure:documents\)/);
      assert.ok(status.completedAt);
      const { rows } = await app.service.pool.query(
        'SELECT count(*)::int AS n FROM t_notification WHERE id_job_batch = $1',
        [status.batchId],
      );
      assert.equal(rows[0].n, 1);
      await mailer.waitFor(1);
      assert.equal(mailer.sent.length, 1);
      assert.match(mailer.sent[0].subject, /failed/);
      assert.match(mailer.sent[0].text, /could not be stored/);
    } finally {
      await app.stop();
    }
  });
});
