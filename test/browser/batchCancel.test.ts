import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  assertNoHorizontalScroll,
  checkCounts,
  JOB_POLL,
  JOB_STREAM,
  recordRequests,
  screenshot,
  signIn,
  textOf,
  useBrowser,
  writeCsv,
} from '../support/browserPage';
import { startWorkerProcess } from '../support/cluster';
import type { ServiceProcess } from '../support/processes';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

const CANCELLED = 'Import cancelled before this row was processed.';

describe('Admin cancel of an import in Chromium', function () {
  this.timeout(240_000);
  // The API alone: every chunk waits in the queue until a worker process (started by a test) runs it.
  const suite = useTestService({ settings: { queue: { workers: false } } });
  const chrome = useBrowser();
  let worker: ServiceProcess | undefined;

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  /** Checks and imports 60 rows through the page; the batch stays pending. Returns its id. */
  async function importWaiting(name: string): Promise<string> {
    const { page } = chrome;
    const rows = Array.from({ length: 60 }, () => entranceRow());
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, name, rows));
    assert.deepEqual(await checkCounts(page), { created: 60, duplicates: 0, failures: 0 });
    await page.locator('#import-button').click();
    await page.locator('#status-text', { hasText: '0 / 60 rows processed (pending)' }).waitFor();
    return decodeURIComponent((await page.evaluate(() => window.location.hash)).replace('#batch=', ''));
  }

  it('cancels a running import after a confirmation, then shows it cancelled with its failures report', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, suite.admin);
    const requests = recordRequests(page);
    const batchId = await importWaiting('to-cancel.csv');
    const cancel = page.locator('#cancel-import');
    await cancel.waitFor({ state: 'visible' });

    // Declined: nothing is sent, the batch still waits.
    await cancel.click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await textOf(page, '#confirm-title'), 'Cancel this import?');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel');
    await page.locator('#confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'cancel-import');
    assert.ok(!requests.some((line) => line.endsWith('/cancel')));

    await cancel.click();
    await page.locator('#confirm-ok').click();
    await page.locator('#batch-state', { hasText: 'Cancelling' }).waitFor();
    assert.equal(await cancel.isVisible(), false, 'asked once, the button is gone');
    const [job] = await suite.app.query('SELECT status, cancelled_at FROM t_job_batch WHERE id = $1', [
      batchId,
    ]);
    assert.ok(job.cancelled_at, 'the cancellation is recorded');
    assert.notEqual(job.status, 'cancelled', 'it ends only once a worker has written its reports');
    await page.setViewportSize({ width: 360, height: 800 });
    await assertNoHorizontalScroll(page);

    // A worker process on the same database settles it: every row a failure saying why.
    worker = await startWorkerProcess(suite.app.service.databaseUrl, suite.app.settings.storage.localDir);
    await page.locator('#summary-heading', { hasText: 'Import cancelled' }).waitFor({ timeout: 120_000 });
    assert.equal(await textOf(page, '#summary-failures'), '60');
    assert.equal(await textOf(page, '#summary-successes'), '0');
    assert.equal(await textOf(page, '#status-text'), '60 / 60 rows processed (cancelled)');
    assert.match(
      await textOf(page, '#summary-note'),
      /failures\.csv, the failures report below, lists them and can be imported again/,
    );
    assert.equal(await textOf(page, '#batch-state'), '');
    assert.equal(await page.locator('#revert-import').isVisible(), true, 'an administrator may revert it');
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'import-cancelled');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#report-failures').click(),
    ]);
    const saved = path.join(chrome.folder, 'cancelled-failures.csv');
    await download.saveAs(saved);
    // The rows never processed, each saying so: the file to import again to finish the job.
    const lines = readFileSync(saved, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    assert.equal(lines.length, 61);
    assert.ok(lines.slice(1).every((line) => line.includes(CANCELLED)));
    assert.ok(!requests.some((line) => JOB_POLL.test(line)), 'followed through its stream throughout');
  });

  it('stops following a batch when the user signs out', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, suite.admin);
    const requests = recordRequests(page);
    const batchId = await importWaiting('left.csv');
    const stream = `/api/v1/jobs/${batchId}/events`;
    assert.deepEqual(
      requests.filter((line) => JOB_STREAM.test(line)),
      [`GET ${stream}`],
    );
    const [failed] = await Promise.all([
      page.waitForEvent('requestfailed', {
        predicate: (request) => new URL(request.url()).pathname === stream,
      }),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    assert.match(failed.failure()?.errorText ?? '', /ABORTED/, 'the page closed the stream');
    await page.locator('#email').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#progress-section').isVisible(), false);
  });
});
