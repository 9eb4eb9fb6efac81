/**
 * What the admin page's browser suites share: one Chromium per suite, pages that fail the test on any
 * script error, signing in, screenshots under .test-artifacts/, the page-width check, and CSV files
 * written the way a spreadsheet saves them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import type { TestService, TestUser } from './testService';

export const ARTIFACTS = path.resolve(__dirname, '../../.test-artifacts');

/**
 * The suite's browser, started before its first test and closed after its last. Declare it after
 * `useTestService()`, so that it closes before the service stops. `page` is a fresh page per test.
 */
export function useBrowser(): { browser: Browser; page: Page; folder: string } {
  const suite = { folder: mkdtempSync(path.join(os.tmpdir(), 'cave-import-browser-')) } as {
    browser: Browser;
    page: Page;
    folder: string;
  };
  before(async function () {
    this.timeout(120_000);
    // Debian's Chromium, CHROMIUM_PATH or the one in @sparticuz/chromium; fails (never skips) without one.
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
  });
  beforeEach(async () => {
    suite.page = await suite.browser.newPage({ acceptDownloads: true });
    suite.page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  });
  afterEach(async () => {
    await suite.page?.close();
  });
  return suite;
}

/** Opens the page (with an optional hash) and signs in through the form. */
export async function signIn(page: Page, app: TestService, user: TestUser, hash = ''): Promise<void> {
  await page.goto(`${app.url}/import/${hash}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.locator('#sign-in').click();
  await page.locator('#csv-file').waitFor({ state: 'visible' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Fails when the page scrolls sideways at its current width. */
export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `horizontal scroll of ${overflow}px`);
}

/** The trimmed text of an element. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).textContent()) ?? '').trim();
}

export interface CsvFormat {
  /** ',' by default; ';' as French or German spreadsheets save. */
  separator?: string;
  /** A UTF-8 byte-order mark first (Excel's "CSV UTF-8", LibreOffice's option). */
  bom?: boolean;
  /** CRLF line ends, as spreadsheets on Windows write. */
  crlf?: boolean;
  /** Windows-1252 bytes instead of UTF-8: Excel's plain "CSV" format. */
  windows1252?: boolean;
}

/** Writes rows as a CSV file with the given format; the columns are every row's keys, in order. */
export function writeCsv(folder: string, name: string, rows: object[], format: CsvFormat = {}): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const text = stringify(rows, {
    header: true,
    columns,
    delimiter: format.separator ?? ',',
    record_delimiter: format.crlf ? '\r\n' : '\n',
  });
  const file = path.join(folder, name);
  if (format.windows1252) {
    // Every character these tests use is in Latin-1, where Windows-1252 has the same codes.
    assert.ok(!format.bom, 'a Windows-1252 file has no byte-order mark');
    writeFileSync(file, Buffer.from(text, 'latin1'));
  } else {
    writeFileSync(file, `${format.bom ? '\uFEFF' : ''}${text}`, 'utf8');
  }
  return file;
}

/** The `data` rows of the page's requests to one endpoint, in order, as the page sent them. */
export function recordPayloads(page: Page, endpoint: string): Record<string, unknown>[][] {
  const payloads: Record<string, unknown>[][] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(endpoint)) {
      payloads.push((request.postDataJSON() as { data: Record<string, unknown>[] }).data);
    }
  });
  return payloads;
}

/** Waits until the check step has the server's answer and returns its three counts. */
export async function checkCounts(
  page: Page,
): Promise<{ created: number; duplicates: number; failures: number }> {
  await page.locator('#check-result').waitFor({ state: 'visible', timeout: 30_000 });
  return {
    created: Number(await textOf(page, '#check-created')),
    duplicates: Number(await textOf(page, '#check-duplicates')),
    failures: Number(await textOf(page, '#check-failures')),
  };
}

/** The check's failure table: [line, id, reason] per row. */
export async function failureTable(page: Page): Promise<string[][]> {
  return page
    .locator('#check-failure-rows tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim()),
      ),
    );
}
