import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import type { ReportStorage } from '../../api/lib/storage';
import {
  assertNoHorizontalScroll,
  recordRequests,
  screenshot,
  signIn,
  textOf,
  useBrowser,
} from '../support/browserPage';
import { importAndWait } from '../support/imports';
import { entranceRow } from '../support/rows';
import { type TestUser, useTestService } from '../support/testService';

/** The local disk, whose uploads fail while `down` is set: an outage the test can end. */
class FlakyStorage implements ReportStorage {
  down = false;
  readonly description: string;
  constructor(private readonly local: ReportStorage) {
    this.description = local.description;
  }
  async upload(blobName: string, content: Readable, contentType: string): Promise<void> {
    if (this.down) {
      content.destroy();
      throw new Error('connect ECONNREFUSED 127.0.0.1:10000');
    }
    await this.local.upload(blobName, content, contentType);
  }
  linkTo(blobName: string) {
    return this.local.linkTo(blobName);
  }
  checkLink(filePath: string, query: URLSearchParams) {
    return this.local.checkLink!(filePath, query);
  }
}

/** 5 fresh rows, 2 repeats of their keys and 1 row that fails. */
function batchRows() {
  const fresh = Array.from({ length: 5 }, () => entranceRow());
  return [
    ...fresh,
    { ...fresh[0], 'rdfs:label': 'Encore' },
    { ...fresh[1], 'rdfs:label': 'Encore' },
    entranceRow({ 'gn:countryCode': 'ZZ' }),
  ];
}

describe('Admin batch control in Chromium', function () {
  this.timeout(120_000);
  let storage: FlakyStorage;
  const suite = useTestService(() => ({
    wrapStorage: (local) => {
      storage = new FlakyStorage(local);
      return storage;
    },
    env: { LOG_LEVEL: 'silent' },
    settings: { queue: { aggregateRetryLimit: 0, aggregateRetryDelaySeconds: 1 } },
  }));
  const chrome = useBrowser();
  let moderator: TestUser;

  before(async () => {
    moderator = await suite.app.createUser({ group: 'Moderator' });
  });

  const liveEntrances = async (batchId: string) =>
    Number(
      (
        await suite.app.query(
          'SELECT count(*)::int AS n FROM t_entrance WHERE id_job_batch = $1 AND NOT is_deleted',
          [batchId],
        )
      )[0].n,
    );
  const duplicatesOf = async (batchId: string) =>
    Number(
      (
        await suite.app.query('SELECT count(*)::int AS n FROM t_entrance_duplicate WHERE id_job_batch = $1', [
          batchId,
        ])
      )[0].n,
    );

  /** Signs in on the link to a batch and waits for its summary. */
  async function openBatch(page: Page, user: TestUser, batchId: string): Promise<void> {
    await signIn(page, suite.app, user, `#batch=${batchId}`);
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await textOf(page, '#summary-batch'), batchId);
  }

  it('reverts an ended import after a confirmation that says what will be deleted', async () => {
    const { page } = chrome;
    const { batchId } = await importAndWait(suite.app, suite.admin, batchRows());
    assert.equal(await liveEntrances(batchId), 5);
    assert.equal(await duplicatesOf(batchId), 2);
    await openBatch(page, suite.admin, batchId);
    const requests = recordRequests(page);
    assert.match(await textOf(page, '#accepted-text'), /^Import of .+: 8 rows in 1 chunk$/);
    assert.equal(await textOf(page, '#status-text'), '8 / 8 rows processed (completed)');
    const revert = page.getByRole('button', { name: 'Revert this import' });

    // Declined with Escape: nothing is sent, nothing changes, focus is back on the button.
    await revert.click();
    const dialog = page.getByRole('dialog', { name: 'Revert this import?' });
    await dialog.waitFor();
    assert.equal(
      await textOf(page, '#confirm-text'),
      'This will delete the 5 entrances this import created, with their caves, names, descriptions and ' +
        'locations, and its 2 recorded duplicates (those not resolved yet). This cannot be undone from the page.',
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel');
    await page.setViewportSize({ width: 360, height: 740 });
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'revert-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'revert-import');
    assert.ok(!requests.some((line) => line.endsWith('/revert')), 'nothing sent');
    assert.equal(await liveEntrances(batchId), 5);

    // Confirmed from the keyboard.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.getByRole('button', { name: 'Revert import' }).click();
    await page.locator('#summary-reverted', { hasText: 'Reverted on' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'summary-reverted');
    assert.equal(await revert.isVisible(), false);
    assert.equal(await page.locator('#summary-duplicates-link').isVisible(), false, 'no duplicates left');
    assert.equal(await liveEntrances(batchId), 0, 'the entrances are soft-deleted');
    assert.equal(await duplicatesOf(batchId), 0, 'its duplicates are deleted');
    await assertNoHorizontalScroll(page);
    // The past imports say so too.
    await page.locator(`#imports-list li[data-batch-id="${batchId}"]`, { hasText: 'Reverted on' }).waitFor();
  });

  it('says the server’s refusal in its own words (409), and shows the batch as it now stands', async () => {
    const { page } = chrome;
    const { batchId } = await importAndWait(suite.app, suite.admin, batchRows());
    await openBatch(page, suite.admin, batchId);
    // Reverted meanwhile, elsewhere.
    const res = await suite.app
      .http()
      .post(`/api/v1/jobs/${batchId}/revert`)
      .set('Authorization', `Bearer ${suite.admin.token}`);
    assert.equal(res.status, 200);
    await page.getByRole('button', { name: 'Revert this import' }).click();
    await page.getByRole('button', { name: 'Revert import' }).click();
    await page.locator('#error', { hasText: 'already reverted' }).waitFor();
    assert.match(
      await textOf(page, '#error'),
      /^The import could not be reverted: This import was already reverted on \S+\.$/,
    );
    await page.locator('#summary-reverted', { hasText: 'Reverted on' }).waitFor();
    assert.equal(await page.locator('#revert-import').isVisible(), false);
  });

  it('ends the session when a control answers 401, as every other call of the page does', async () => {
    const { page } = chrome;
    const { batchId } = await importAndWait(suite.app, suite.admin, batchRows());
    await openBatch(page, suite.admin, batchId);
    await page.route('**/api/v1/jobs/*/revert', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Token expired."}' }),
    );
    await page.getByRole('button', { name: 'Revert this import' }).click();
    await page.getByRole('button', { name: 'Revert import' }).click();
    await page.locator('#email').waitFor({ state: 'visible' });
    assert.equal(await textOf(page, '#error'), 'Your session has expired. Please sign in again.');
    assert.equal(await page.locator('#summary').isVisible(), false);
    assert.equal(await liveEntrances(batchId), 5, 'nothing reverted');
  });

  it('offers no revert to a moderator', async () => {
    const { page } = chrome;
    const { batchId } = await importAndWait(suite.app, suite.admin, batchRows());
    await openBatch(page, moderator, batchId);
    assert.equal(await textOf(page, '#summary-heading'), 'Import complete');
    assert.equal(await page.locator('#revert-import').count(), 1);
    assert.equal(await page.locator('#revert-import').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: /revert/i }).count(), 0);
  });

  it('rebuilds the reports of an import that ended failed without them', async () => {
    const { page } = chrome;
    storage.down = true;
    let failed: Awaited<ReturnType<typeof importAndWait>>;
    try {
      failed = await importAndWait(suite.app, suite.admin, batchRows());
    } finally {
      storage.down = false;
    }
    assert.equal(failed.status, 'failed');
    await openBatch(page, suite.admin, failed.batchId);
    assert.equal(await textOf(page, '#summary-heading'), 'Import failed');
    assert.match(await textOf(page, '#job-error'), /reports could not be stored/);
    assert.equal(await page.locator('#reports').isVisible(), false);
    await page.getByRole('button', { name: 'Rebuild reports' }).click();
    await page.locator('#summary-heading', { hasText: 'Import complete' }).waitFor({ timeout: 60_000 });
    assert.equal(await textOf(page, '#job-error'), '');
    assert.ok(await page.locator('#report-success').isVisible());
    assert.ok(await page.locator('#report-failures').isVisible());
    assert.equal(await page.locator('#rebuild-reports').isVisible(), false);
  });
});
