import assert from 'node:assert/strict';
import { type Azurite, startAzurite } from '../../support/azurite';
import { importAndWait, outcomesOf } from '../../support/imports';
import { download, mixedRows } from '../../support/reports';
import { useTestService } from '../../support/testService';

describe('Batch completion: reports on Azure Blob Storage (Azurite)', () => {
  let azurite: Azurite;
  before(async function () {
    this.timeout(60_000);
    azurite = await startAzurite();
  });
  const suite = useTestService(() => ({
    settings: { storage: { azureConnectionString: azurite.connectionString, container: 'documents' } },
  }));
  after(() => azurite.stop());

  it('uploads the reports to a private container and links them with read-only SAS URLs valid 7 days', async () => {
    const started = Date.now();
    const status = await importAndWait(suite.app, suite.admin, mixedRows());
    assert.equal(status.status, 'completed');
    assert.deepEqual(status.result?.summary, { successes: 3, duplicates: 1, failures: 2 });

    for (const kind of ['success', 'duplicates', 'failures'] as const) {
      const url: URL = new URL(status.result!.reportUrls[kind]!);
      assert.equal(
        `${url.origin}${url.pathname}`,
        `${azurite.blobEndpoint}/documents/csv-import-reports/${status.batchId}/${kind}.csv`,
      );
      assert.equal(url.searchParams.get('sp'), 'r', 'read-only');
      const expires = Date.parse(url.searchParams.get('se')!);
      const sevenDays = 7 * 24 * 3600_000;
      assert.ok(
        Math.abs(expires - started - sevenDays) < 5 * 60_000,
        `expires ${new Date(expires).toISOString()}`,
      );

      const report = await download(url.toString());
      assert.equal(report.status, 200, report.text);
      assert.ok(report.bom, `${kind}.csv starts with a byte-order mark`);
      assert.match(report.type ?? '', /^text\/csv/);
      const anonymous = await fetch(`${url.origin}${url.pathname}`);
      assert.ok(
        anonymous.status === 403 || anonymous.status === 404,
        `anonymous read answered ${anonymous.status}`,
      );
    }

    const success = await download(status.result!.reportUrls.success!);
    const outcomes = (await outcomesOf(suite.app, status.batchId)).filter((o) => o.outcome === 'success');
    assert.deepEqual(
      success.rows.slice(1).map((r) => Number(r[2])),
      outcomes.map((o) => o.id_entrance),
    );
    const failures = await download(status.result!.reportUrls.failures!);
    assert.equal(failures.rows.length, 3);
  });
});
