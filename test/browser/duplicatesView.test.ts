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
import { importAndWait } from '../support/imports';
import { entranceRow } from '../support/rows';
import { type TestUser, useTestService } from '../support/testService';

const cards = (page: Page) => page.locator('#duplicates-list > li');

/** Waits for an action's outcome to be said once the list has been read again. */
const outcome = (page: Page, text: string) =>
  page.locator('#duplicates-status', { hasText: text }).filter({ hasText: 'Showing duplicates' }).waitFor();

/** The comparison of one card: { label: [in this import, existing entrance] }. */
async function comparison(page: Page, index: number): Promise<Record<string, [string, string]>> {
  const rows = await cards(page)
    .nth(index)
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim()),
      ),
    );
  return Object.fromEntries(rows.map(([label, mine, theirs]) => [label, [mine, theirs]]));
}

describe('Admin duplicates view in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();
  let moderator: TestUser;
  let batchId: string;

  before(async () => {
    moderator = await suite.app.createUser({ group: 'Moderator', nickname: 'Modératrice' });
    // 4 fresh entrances, then each key 4 more times with another name and place: 16 duplicates.
    const fresh = Array.from({ length: 4 }, (_, i) =>
      entranceRow({ 'rdfs:label': `Gouffre d’origine ${i}` }),
    );
    const repeats = [1, 2, 3, 4].flatMap((n) =>
      fresh.map((row, i) => ({ ...row, 'rdfs:label': `Doublon ${i}.${n}`, 'w3geo:latitude': `45.${n}` })),
    );
    const status = await importAndWait(suite.app, suite.admin, [...fresh, ...repeats]);
    assert.equal(status.result?.summary.duplicates, 16);
    batchId = status.batchId;
  });

  const duplicateIds = async () =>
    (await suite.app.query('SELECT id FROM t_entrance_duplicate WHERE id_job_batch = $1', [batchId])).map(
      (row) => Number(row.id),
    );
  const createdFrom = async () =>
    Number(
      (
        await suite.app.query('SELECT count(*)::int AS n FROM t_entrance WHERE origin_id_job_batch = $1', [
          batchId,
        ])
      )[0].n,
    );
  const cardId = async (page: Page, index: number) =>
    Number(await cards(page).nth(index).getAttribute('data-id'));

  async function openView(page: Page, user: TestUser): Promise<void> {
    await signIn(page, suite.app, user);
    await page.getByLabel('Import batch id').fill(batchId);
    await page.getByRole('button', { name: 'Show duplicates' }).click();
    await cards(page).first().waitFor();
  }

  it('lists a batch’s duplicates a page at a time, each next to the entrance it matched', async () => {
    const { page } = chrome;
    await openView(page, moderator);
    assert.equal(await cards(page).count(), 10);
    assert.equal(await textOf(page, '#duplicates-range'), '1–10 of 16');
    assert.match(await textOf(page, '#duplicates-status'), /Showing duplicates 1–10 of 16/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'duplicates-heading');

    const first = await comparison(page, 0);
    assert.equal(await textOf(page, '#duplicates-list > li:first-child h3'), 'Line 6: Doublon 0.1');
    assert.deepEqual(first['Name differs'], ['Doublon 0.1', 'Gouffre d’origine 0']);
    assert.deepEqual(first['Latitude, longitude differs'], ['45.1, 5.654321', '45.123456, 5.654321']);
    assert.deepEqual(first.Author, ['Test Caving Club', 'Test Caving Club']);
    assert.equal(first['Source id'][0], first['Source id'][1]);
    assert.match(first['Source id'][0], /^test-\d+-\d+$/);
    assert.deepEqual(first['Source name'], ['Test Caving Club', 'Test Caving Club']);
    assert.deepEqual(first.Country, ['FR', 'FR']);
    await screenshot(page, 'duplicates-view');
    await cards(page)
      .first()
      .screenshot({ path: path.join(ARTIFACTS, 'duplicate-card.png') });

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#duplicates-range', { hasText: '11–16 of 16' }).waitFor();
    assert.equal(await cards(page).count(), 6);
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-select')),
      String(await cardId(page, 0)),
    );
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('#duplicates-range', { hasText: '1–10 of 16' }).waitFor();
  });

  it('imports one duplicate as a new entrance and discards another', async () => {
    const { page } = chrome;
    await openView(page, moderator);
    const imported = await cardId(page, 0);
    const title = await textOf(page, '#duplicates-list > li:first-child h3');
    await cards(page).first().getByRole('button', { name: 'Import as a new entrance' }).click();
    await outcome(page, `${title} was imported as a new entrance.`);
    await page.locator('#duplicates-range', { hasText: 'of 15' }).waitFor();
    assert.equal(await createdFrom(), 1);
    assert.ok(!(await duplicateIds()).includes(imported));
    // Focus is on the card that took its place.
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-select')),
      String(await cardId(page, 0)),
    );

    const discarded = await cardId(page, 1);
    await cards(page).nth(1).getByRole('button', { name: 'Discard' }).click();
    await outcome(page, 'was discarded.');
    await page.locator('#duplicates-range', { hasText: 'of 14' }).waitFor();
    assert.ok(!(await duplicateIds()).includes(discarded));
    assert.equal(await createdFrom(), 1, 'discarding creates nothing');
  });

  it('discards and imports the selected duplicates in bulk, after confirming', async () => {
    const { page } = chrome;
    await openView(page, moderator);
    const select = (index: number) => cards(page).nth(index).getByRole('checkbox').check();
    const [a, b] = [await cardId(page, 0), await cardId(page, 1)];
    await select(0);
    await select(1);
    assert.equal(await textOf(page, '#duplicates-selected'), '2 duplicates selected');
    await page.getByRole('button', { name: 'Discard selected (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard 2 duplicates?' });
    await dialog.waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'duplicates-confirm.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await duplicateIds()).length, 14, 'cancelled: nothing discarded');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'discard-selected');

    await page.getByRole('button', { name: 'Discard selected (2)' }).click();
    await dialog.getByRole('button', { name: 'Discard 2' }).click();
    await outcome(page, '2 duplicates discarded.');
    const left = await duplicateIds();
    assert.equal(left.length, 12);
    assert.ok(!left.includes(a) && !left.includes(b));

    const [c, d] = [await cardId(page, 0), await cardId(page, 1)];
    await select(0);
    await select(1);
    await page.getByRole('button', { name: 'Import selected (2)' }).click();
    await page
      .getByRole('dialog', { name: 'Import 2 duplicates as new entrances?' })
      .getByRole('button', { name: 'Import 2' })
      .click();
    await outcome(page, '2 duplicates imported as new entrances.');
    assert.equal(await createdFrom(), 3);
    const remaining = await duplicateIds();
    assert.equal(remaining.length, 10);
    assert.ok(!remaining.includes(c) && !remaining.includes(d));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'duplicates-status');
  });

  it('says so when another moderator resolved a duplicate meanwhile (404), singly or in bulk', async () => {
    const { page } = chrome;
    await openView(page, moderator);
    const gone = await cardId(page, 0);
    const other = await suite.app
      .http()
      .delete(`/api/v1/entrance-duplicates/${gone}`)
      .set('Authorization', `Bearer ${moderator.token}`);
    assert.equal(other.status, 204);
    await cards(page).first().getByRole('button', { name: 'Discard' }).click();
    const alert = page.locator('#duplicates-error');
    await alert.waitFor({ state: 'visible' });
    assert.match(
      await textOf(page, '#duplicates-error'),
      new RegExp(
        `could not be discarded: Could not find duplicate with id ${gone}\\. Another moderator may have resolved it`,
      ),
    );
    await outcome(page, 'of 9');

    // Bulk discard is all or nothing: one of them gone, none is discarded.
    const [kept, goneToo] = [await cardId(page, 0), await cardId(page, 1)];
    await cards(page).nth(0).getByRole('checkbox').check();
    await cards(page).nth(1).getByRole('checkbox').check();
    await suite.app
      .http()
      .delete(`/api/v1/entrance-duplicates/${goneToo}`)
      .set('Authorization', `Bearer ${moderator.token}`);
    await page.getByRole('button', { name: 'Discard selected (2)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard 2' }).click();
    await page.locator('#duplicates-error', { hasText: 'Nothing was discarded' }).waitFor();
    assert.match(
      await textOf(page, '#duplicates-error'),
      new RegExp(`Could not find duplicate with id ${goneToo}`),
    );
    assert.ok((await duplicateIds()).includes(kept));
  });

  it('shows a refusal of the server (403) in words', async () => {
    const { page } = chrome;
    await openView(page, moderator);
    await page.route('**/api/v1/entrances/from-duplicate/*', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: '{"message":"You are not authorized to create an entrance duplicate."}',
      }),
    );
    await cards(page).first().getByRole('button', { name: 'Import as a new entrance' }).click();
    await page.locator('#duplicates-error', { hasText: 'could not be imported' }).waitFor();
    assert.match(
      await textOf(page, '#duplicates-error'),
      /Only moderators and administrators can resolve duplicates: You are not authorized to create an entrance duplicate\./,
    );
  });

  it('shows a plain User the duplicates without any action, from a link to the view', async () => {
    const { page } = chrome;
    const user = await suite.app.createUser({ group: 'User' });
    await signIn(page, suite.app, user, `#duplicates=${batchId}`);
    await cards(page).first().waitFor();
    assert.ok((await cards(page).count()) > 0);
    assert.equal(await page.getByRole('button', { name: 'Import as a new entrance' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Discard' }).count(), 0);
    assert.equal(await page.locator('#duplicates-list input[type="checkbox"]').count(), 0);
    assert.equal(await page.locator('#duplicates-bulk').isVisible(), false);
    assert.match(
      await textOf(page, '#duplicates-intro'),
      /Only moderators and administrators can resolve them/,
    );
    assert.equal((await comparison(page, 0))['Name differs'].length, 2, 'side by side, as for a moderator');
  });

  it('can be used with the keyboard alone: open, select, import, discard and confirm', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, moderator);
    await page.locator('#duplicates-batch').focus();
    await page.keyboard.type(batchId);
    await page.keyboard.press('Enter');
    await cards(page).first().waitFor();
    const tabTo = async (predicate: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(predicate)) return;
      }
      assert.fail(`never reached ${predicate} with Tab`);
    };
    const before = await createdFrom();
    const firstId = await cardId(page, 0);
    await tabTo(`document.activeElement?.dataset.select === '${firstId}'`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Import as a new entrance');
    await page.keyboard.press('Enter');
    await outcome(page, 'was imported as a new entrance.');
    assert.equal(await createdFrom(), before + 1);

    // Focus is on the next card's checkbox: Space selects it, then Discard selected and confirm.
    const nextId = await cardId(page, 0);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-select')),
      String(nextId),
    );
    await page.keyboard.press('Space');
    assert.equal(await textOf(page, '#duplicates-selected'), '1 duplicate selected');
    // The bulk bar is just above the list.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'discard-selected');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await outcome(page, '1 duplicate discarded.');
    assert.ok(!(await duplicateIds()).includes(nextId));
  });

  it('goes back a page when the last one has been emptied (select all, discard)', async () => {
    const { page } = chrome;
    const fresh = entranceRow();
    const repeats = Array.from({ length: 12 }, (_, i) => ({ ...fresh, 'rdfs:label': `Encore ${i}` }));
    const other = (await importAndWait(suite.app, suite.admin, [fresh, ...repeats])).batchId;
    await signIn(page, suite.app, moderator, `#duplicates=${other}`);
    await page.locator('#duplicates-range', { hasText: '1–10 of 12' }).waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#duplicates-range', { hasText: '11–12 of 12' }).waitFor();
    await page.getByLabel('Select all on this page').check();
    await page.getByRole('button', { name: 'Discard selected (2)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Discard 2' }).click();
    await outcome(page, '2 duplicates discarded. Showing duplicates 1–10 of 10');
    assert.equal(await cards(page).count(), 10);
    assert.equal(await page.locator('#duplicates-range').isVisible(), false, 'one page: no pager');
  });

  it('fits a 375 px wide screen without horizontal scroll', async () => {
    const { page } = chrome;
    await page.setViewportSize({ width: 375, height: 800 });
    await openView(page, moderator);
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'duplicates-view-375px');
    await cards(page)
      .first()
      .screenshot({ path: path.join(ARTIFACTS, 'duplicate-card-375px.png') });
    await page.setViewportSize({ width: 320, height: 800 });
    await assertNoHorizontalScroll(page);
  });
});
