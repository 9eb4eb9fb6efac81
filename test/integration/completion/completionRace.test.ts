import assert from 'node:assert/strict';
import { QUEUES } from '../../../api/lib/core/types';
import { importAndWait } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { silentMailer, startTestService } from '../../support/testService';

describe('Batch completion: concurrent completion checks', () => {
  it('aggregate once: one notification and one email, however many checks race', async () => {
    const mailer = silentMailer();
    const app = await startTestService({ mailer });
    try {
      const admin = await app.createUser({ group: 'Administrator' });
      const status = await importAndWait(app, admin, [entranceRow()]);
      await mailer.waitFor(1);
      assert.equal(mailer.sent.length, 1);

      // Rewind the batch to "every chunk done, not yet aggregated" and fire 12 checks at once.
      await app.service.pool.query(
        "UPDATE t_job_batch SET status = 'active', result = NULL, completed_at = NULL, email_state = NULL WHERE id = $1",
        [status.batchId],
      );
      await app.service.pool.query('DELETE FROM t_notification WHERE id_job_batch = $1', [status.batchId]);
      await app.service.boss.insert(
        QUEUES.completionCheck,
        Array.from({ length: 12 }, () => ({ data: { batchId: status.batchId } })),
      );
      const final = await app.waitForBatch(status.batchId, admin.token);
      assert.equal(final.status, 'completed');
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { rows } = await app.service.pool.query(
        'SELECT count(*)::int AS n FROM t_notification WHERE id_job_batch = $1',
        [status.batchId],
      );
      assert.equal(rows[0].n, 1, 'one notification');
      assert.equal(mailer.sent.length, 2, 'one more email for the one more completion');
      const aggregations = await app.jobsOf(QUEUES.aggregate, status.batchId);
      assert.equal(aggregations.total, 2, 'the first run and exactly one winner of the race');
    } finally {
      await app.stop();
    }
  });
});
