import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { entranceRow } from '../support/rows';
import { startTestService, type TestService, type TestUser } from '../support/testService';

const ARTIFACTS = path.resolve(__dirname, '../../.test-artifacts');

/** A Karstlink CSV file: 240 fresh rows, 30 repeats of earlier keys, 30 rows that fail. */
function writeCsv(folder: string): { file: string; fresh: number; duplicates: number; failures: number } {
  const fresh = Array.from({ length: 240 }, (_, i) => entranceRow({ 'rdfs:label': `Browser cave ${i}` }));
  const duplicates = fresh
    .slice(0, 30)
    .map((row) => ({ ...row, 'rdfs:label': `${row['rdfs:label']} again` }));
  const failures = Array.from({ length: 30 }, (_, i) =>
    entranceRow(i % 2 ? { 'gn:countryCode': 'ZZ' } : { 'w3geo:latitude': '123.4' }),
  );
  const rows = [...fresh.slice(0, 100), ...failures, ...fresh.slice(100), ...duplicates];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const file = path.join(folder, 'entrances.csv');
  writeFileSync(file, stringify(rows, { header: true, columns }));
  return { file, fresh: fresh.length, duplicates: duplicates.length, failures: failures.length };
}

describe('Admin import page in Chromium', function () {
  this.timeout(120_000);
  let app: TestService;
  let admin: TestUser;
  let browser: Browser;
  let page: Page;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'cave-import-browser-'));

  before(async () => {
    app = await startTestService({ settings: { import: { chunkSize: 50 } } });
    admin = await app.createUser({ group: 'Administrator', nickname: 'Élodie' });
    // Debian's Chromium, CHROMIUM_PATH or the one in @sparticuz/chromium; fails (never skips) without one.
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage({ acceptDownloads: true });
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  });
  afterEach(async () => {
    await page?.close();
  });

  async function signIn(user: TestUser): Promise<void> {
    await page.goto(`${app.url}/import/`);
    await page.getByLabel(/email/i).fill(user.email);
    await page.getByLabel(/password/i).fill(user.password);
    await page.locator('#sign-in').click();
    await page.locator('#csv-file').waitFor({ state: 'visible' });
  }

  it('signs in, imports a CSV file, shows progress, the summary, the reports and the notification', async () => {
    const csv = writeCsv(folder);
    await signIn(admin);
    assert.match((await page.locator('body').textContent()) ?? '', /Élodie/);

    await page.locator('#csv-file').setInputFiles(csv.file);
    await page.locator('#import-button').click();
    await page.locator('#import-progress').waitFor({ state: 'visible' });
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });

    assert.equal((await page.locator('#summary-successes').textContent())?.trim(), String(csv.fresh));
    assert.equal((await page.locator('#summary-duplicates').textContent())?.trim(), String(csv.duplicates));
    assert.equal((await page.locator('#summary-failures').textContent())?.trim(), String(csv.failures));
    assert.equal(await page.locator('#import-progress').getAttribute('value'), '300');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#report-failures').click(),
    ]);
    const saved = path.join(folder, 'failures.csv');
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').trim().split('\n');
    assert.equal(lines.length, csv.failures + 1);
    assert.match(lines[0], /^line,message,id,/);
    assert.match(lines[1], /^102,Invalid latitude: 123.4,/);

    await page.locator('#notification').waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('#mark-read').click();
    await page.getByText(/^Read/).first().waitFor({ timeout: 5000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'import-page.png'), fullPage: true });
  });

  it('refuses a file that is not CSV without calling the API', async () => {
    await signIn(admin);
    const text = path.join(folder, 'notes.pdf');
    writeFileSync(text, 'just some notes');
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/import-rows')) requests.push(request.url());
    });
    await page.locator('#csv-file').setInputFiles(text);
    await page.locator('#import-button').click();
    await page.locator('#error').waitFor({ state: 'visible' });
    assert.match((await page.locator('#error').textContent()) ?? '', /csv/i);
    assert.deepEqual(requests, []);
  });

  it('tells a user who is not an administrator that they cannot import, from the 403', async () => {
    const user = await app.createUser({ group: 'User' });
    await signIn(user);
    await page.locator('#csv-file').setInputFiles(writeCsv(folder).file);
    await page.locator('#import-button').click();
    await page.locator('#error').waitFor({ state: 'visible' });
    assert.match((await page.locator('#error').textContent()) ?? '', /not authorized to import entrances/i);
  });

  it('fits a phone-sized screen and can be used with the keyboard', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${app.url}/import/`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `horizontal scroll of ${overflow}px`);
    await page.locator('#email').focus();
    await page.keyboard.type(admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(admin.password);
    await page.keyboard.press('Enter');
    await page.locator('#csv-file').waitFor({ state: 'visible' });
  });
});
