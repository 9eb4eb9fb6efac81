import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { checkCounts, screenshot, signIn, textOf, useBrowser, writeCsv } from '../support/browserPage';
import { importAndWait } from '../support/imports';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

/** Waits until the badge's accessible name is this, and returns the visible count. */
async function badge(page: Page, name: string): Promise<string> {
  await page.getByRole('status', { name, exact: true }).waitFor({ timeout: 15_000 });
  return textOf(page, '#unread-badge');
}

describe('Admin notification badge in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();

  it('shows the unread count, one more after an import, one fewer once marked read', async () => {
    const { page } = chrome;
    const admin = await suite.app.createUser({ group: 'Administrator' });
    await signIn(page, suite.app, admin);
    assert.equal(await badge(page, 'No unread notifications'), '0');

    await page
      .locator('#csv-file')
      .setInputFiles(writeCsv(chrome.folder, 'badge.csv', [entranceRow(), entranceRow()]));
    await checkCounts(page);
    await page.locator('#import-button').click();
    await page.locator('#mark-read').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await badge(page, '1 unread notification'), '1');
    assert.equal(await textOf(page, '#unread-text'), '1 unread notification');
    await screenshot(page, 'notification-badge');

    await page.locator('#mark-read').click();
    assert.equal(await badge(page, 'No unread notifications'), '0');
  });

  it('reads the count when a session starts, and says so when it cannot', async () => {
    const { page } = chrome;
    const admin = await suite.app.createUser({ group: 'Administrator' });
    await importAndWait(suite.app, admin, [entranceRow()]);
    await importAndWait(suite.app, admin, [entranceRow()]);
    await signIn(page, suite.app, admin);
    assert.equal(await badge(page, '2 unread notifications'), '2');

    await page.route('**/api/v1/notifications/unread/count', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"message":"Database unavailable."}',
      }),
    );
    await page.reload();
    assert.equal(await badge(page, 'Unread notifications could not be counted'), '?');
    assert.equal(await textOf(page, '#error'), '', 'a background count never shows an error');

    await page.unroute('**/api/v1/notifications/unread/count');
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await page.locator('#unread').isVisible(), false);
  });
});
