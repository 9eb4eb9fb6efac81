import assert from 'node:assert/strict';
import { claimRowsForDeletion } from '../../../api/lib/db/sql/batches';
import { pruneStagedRows } from '../../../api/lib/pipeline/pruneStagedRows';
import { importAndWait } from '../../support/imports';
import { download } from '../../support/reports';
import { entranceRow } from '../../support/rows';
import { useTestService } from '../../support/testService';

describe('Batch completion: retention of staged rows', () => {
  const suite = useTestService();

  it('deletes the staged rows of batches ended more than IMPORT_RETENTION_DAYS ago, keeping the batch and its reports', async () => {
    const old = await importAndWait(suite.app, suite.admin, [
      entranceRow(),
      entranceRow({ 'gn:countryCode': 'ZZ' }),
    ]);
    const recent = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    const endedDaysAgo = (batchId: string, days: number) =>
      suite.app.query(
        `UPDATE t_job_batch SET completed_at = now() - make_interval(days => $2) WHERE id = $1`,
        [batchId, days],
      );
    await endedDaysAgo(old.batchId, 31);
    await endedDaysAgo(recent.batchId, 29);
    const { retentionDays } = suite.app.settings.import;
    assert.equal(retentionDays, 30, 'the default');

    assert.deepEqual(await pruneStagedRows(suite.app.service.pool, retentionDays), { batches: 1, rows: 2 });
    assert.deepEqual(await pruneStagedRows(suite.app.service.pool, retentionDays), { batches: 0, rows: 0 });
    const staged = await suite.app.query(
      'SELECT id_job_batch, count(*)::int AS n FROM t_job_batch_row GROUP BY id_job_batch ORDER BY 1',
    );
    assert.deepEqual(staged, [{ id_job_batch: recent.batchId, n: 1 }]);

    const job = await suite.app
      .http()
      .get(`/api/v1/jobs/${old.batchId}`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(job.status, 200);
    assert.deepEqual(job.body.result.summary, { successes: 1, duplicates: 0, failures: 1 });
    const failures = await download(job.body.result.reportUrls.failures);
    assert.equal(failures.rows.length, 2, 'the report stays');
    const [{ rows_deleted_at }] = await suite.app.query(
      'SELECT rows_deleted_at FROM t_job_batch WHERE id = $1',
      [old.batchId],
    );
    assert.ok(rows_deleted_at);
  });

  it('claims a batch before deleting its rows, finishes a deletion a run left half done, and skips a batch reopened first', async () => {
    const pool = suite.app.service.pool;
    const { retentionDays } = suite.app.settings.import;
    const half = await importAndWait(suite.app, suite.admin, [entranceRow(), entranceRow()]);
    const reopened = await importAndWait(suite.app, suite.admin, [entranceRow()]);
    await suite.app.query(
      `UPDATE t_job_batch SET completed_at = now() - interval '40 days' WHERE id = ANY($1::uuid[])`,
      [[half.batchId, reopened.batchId]],
    );
    // A run claimed `half` (whose report step failed) and stopped before deleting; a rebuild
    // reopened `reopened` (no end yet).
    await suite.app.query(`UPDATE t_job_batch SET rows_deleted_at = now(), status = 'failed' WHERE id = $1`, [
      half.batchId,
    ]);
    await suite.app.query(`UPDATE t_job_batch SET completed_at = NULL WHERE id = $1`, [reopened.batchId]);
    assert.deepEqual(await pruneStagedRows(pool, retentionDays), { batches: 1, rows: 2 });
    const staged = await suite.app.query(
      'SELECT id_job_batch, count(*)::int AS n FROM t_job_batch_row WHERE id_job_batch = ANY($1::uuid[]) GROUP BY 1',
      [[half.batchId, reopened.batchId]],
    );
    assert.deepEqual(staged, [{ id_job_batch: reopened.batchId, n: 1 }]);
    const rebuilt = await suite.app
      .http()
      .post(`/api/v1/jobs/${half.batchId}/reports`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(rebuilt.status, 409, 'no reports are rebuilt from deleted rows');
    // Found past retention, then reopened by a rebuild (no end) or ended again since: not claimed.
    const fresh = reopened.batchId;
    assert.equal(await claimRowsForDeletion(pool, fresh, retentionDays), false, 'reopened');
    await suite.app.query(`UPDATE t_job_batch SET completed_at = now() WHERE id = $1`, [fresh]);
    assert.equal(await claimRowsForDeletion(pool, fresh, retentionDays), false, 'ended again just now');
    await suite.app.query(`UPDATE t_job_batch SET completed_at = now() - interval '31 days' WHERE id = $1`, [
      fresh,
    ]);
    assert.equal(await claimRowsForDeletion(pool, fresh, retentionDays), true, 'past retention');
  });
});
