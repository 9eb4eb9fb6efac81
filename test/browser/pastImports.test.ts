import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  ARTIFACTS,
  assertNoHorizontalScroll,
  screenshot,
  signIn,
  textOf,
  useBrowser,
} from '../support/browserPage';
import { importAndWait, submit } from '../support/imports';
import { entranceRow } from '../support/rows';
import { type TestUser, useTestService } from '../support/testService';

const entries = (page: Page) => page.locator('#imports-list > li');

describe('Admin past imports in Chromium', function () {
  this.timeout(180_000);
  const suite = useTestService();
  const chrome = useBrowser();
  let importer: TestUser;
  /** The importer's batches, newest first. */
  let batches: string[];

  before(async function () {
    this.timeout(120_000);
    importer = await suite.app.createUser({ group: 'Administrator', nickname: 'Importer' });
    // 12 batches, one after the other so that their order is certain: 2 rows, one a duplicate.
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const row = entranceRow();
      ids.push((await importAndWait(suite.app, importer, [row, { ...row, 'rdfs:label': 'Encore' }])).batchId);
    }
    batches = ids.reverse();
    // The third newest is reverted.
    const res = await suite.app
      .http()
      .post(`/api/v1/jobs/${batches[2]}/revert`)
      .set('Authorization', `Bearer ${importer.token}`);
    assert.equal(res.status, 200, res.text);
  });

  it('lists the user’s imports a page at a time, newest first, and opens one', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, importer);
    await page.locator('#imports-range', { hasText: '1–10 of 12' }).waitFor();
    assert.equal(await entries(page).count(), 10);
    assert.equal(await textOf(page, '#imports-status'), 'Showing your imports 1–10 of 12, newest first.');
    assert.deepEqual(
      await entries(page).evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.batchId)),
      batches.slice(0, 10),
    );
    const first = entries(page).first();
    assert.match(await textOf(page, '#imports-list > li:first-child .import-link'), /^Import of .+/);
    assert.equal(await textOf(page, '#imports-list > li:first-child .tag-completed'), 'Completed');
    assert.equal(
      await textOf(page, '#imports-list > li:first-child .import-counts'),
      '1 imported, 1 duplicate, 0 failures of 2 rows',
    );
    // Report links from this read: signed, downloadable.
    const href = await first.locator('a[data-report="success"]').getAttribute('href');
    assert.match(href ?? '', /\/success\.csv\?expires=\d+&signature=/);
    assert.equal((await fetch(href!)).status, 200);
    assert.equal(await first.locator('a[data-report="failures"]').count(), 0, 'no failures, no report');
    assert.match(await textOf(page, '#imports-list > li:nth-child(3)'), /Reverted on /);

    await page.setViewportSize({ width: 360, height: 800 });
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'past-imports-page');
    await page.locator('#imports-section').screenshot({ path: path.join(ARTIFACTS, 'past-imports.png') });

    await page.getByRole('button', { name: 'Next imports' }).click();
    await page.locator('#imports-range', { hasText: '11–12 of 12' }).waitFor();
    assert.equal(await entries(page).count(), 2);
    assert.equal(await page.getByRole('button', { name: 'Next imports' }).isDisabled(), true);
    assert.equal(
      await page.evaluate(() => document.activeElement?.closest('li')?.dataset.batchId),
      batches[10],
      'focus on the first entry of the new page',
    );
    await page.getByRole('button', { name: 'Previous imports' }).click();
    await page.locator('#imports-range', { hasText: '1–10 of 12' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Previous imports' }).isDisabled(), true);

    // Opening one: its progress and summary, at its own address.
    await entries(page).nth(1).locator('.import-link').click();
    await page.locator('#summary').waitFor({ state: 'visible' });
    assert.equal(await textOf(page, '#summary-batch'), batches[1]);
    assert.equal(await page.evaluate(() => window.location.hash), `#batch=${batches[1]}`);
    // Ended already: focus goes on to its summary, as it does when an import ends.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'summary-heading');
    assert.equal(await textOf(page, '#status-text'), '2 / 2 rows processed (completed)');
    assert.ok(await page.locator('#report-success').isVisible());
    assert.equal(
      await page.locator('#notification').isVisible(),
      false,
      'an old import’s notice is not looked for',
    );
    await assertNoHorizontalScroll(page);

    // Another one, then back: the browser's history goes through the batches opened.
    await entries(page).nth(2).locator('.import-link').click();
    await page.locator('#summary-batch', { hasText: batches[2] }).waitFor();
    await page.locator('#summary-reverted', { hasText: 'Reverted on' }).waitFor();
    await page.goBack();
    await page.locator('#summary-batch', { hasText: batches[1] }).waitFor();
  });

  it('lets moderators list everyone’s imports; users only their own', async () => {
    const { page } = chrome;
    const moderator = await suite.app.createUser({ group: 'Moderator' });
    await signIn(page, suite.app, moderator);
    await page.locator('#imports-status', { hasText: 'You have not imported anything yet.' }).waitFor();
    assert.equal(await entries(page).count(), 0);
    await page.getByLabel('Show everyone’s imports').check();
    await page.locator('#imports-status', { hasText: 'Showing everyone’s imports 1–10 of 12' }).waitFor();
    assert.equal(await entries(page).count(), 10);
    await entries(page).first().locator('.import-link').click();
    await page.locator('#summary-batch', { hasText: batches[0] }).waitFor();
    assert.equal(await page.locator('#revert-import').isVisible(), false);

    const user = await suite.app.createUser({ group: 'User' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.locator('#sign-in').click();
    await page.locator('#imports-status', { hasText: 'You have not imported anything yet.' }).waitFor();
    assert.equal(await page.locator('#imports-scope').isVisible(), false);
  });

  it('reads the list again at #imports, newest import first', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, importer);
    await page.locator('#imports-range', { hasText: 'of 12' }).waitFor();
    const batchId = await submit(suite.app, importer, [entranceRow()]);
    await suite.app.waitForBatch(batchId, importer.token);
    // The list is read again when asked for (#imports).
    await page.evaluate(() => {
      window.location.hash = '#imports';
    });
    await page.locator('#imports-range', { hasText: '1–10 of 13' }).waitFor();
    assert.equal(await entries(page).first().getAttribute('data-batch-id'), batchId);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'imports-heading');
  });
});
