/**
 * What the admin page's browser suites share: one Chromium per suite, pages that fail the test on any
 * script error, signing in, screenshots under .test-artifacts/, the page-width check, CSV files
 * written the way a spreadsheet saves them, and a proxy that records the files the page uploads.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import type { TestService, TestUser } from './testService';
import { encodeWindows1252 } from './windows1252';

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

/**
 * Opens the page (with an optional hash) and signs in through the form. `app` is the service, or an
 * upload recorder in front of it.
 */
export async function signIn(
  page: Page,
  app: Pick<TestService, 'url'>,
  user: TestUser,
  hash = '',
): Promise<void> {
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
  /** UTF-16LE with its byte-order mark: Excel's "Unicode text". */
  utf16le?: boolean;
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
    assert.ok(!format.bom, 'a Windows-1252 file has no byte-order mark');
    writeFileSync(file, encodeWindows1252(text));
  } else if (format.utf16le) {
    writeFileSync(file, Buffer.from(`\uFEFF${text}`, 'utf16le'));
  } else {
    writeFileSync(file, `${format.bom ? '\uFEFF' : ''}${text}`, 'utf8');
  }
  return file;
}

export const CHECK_PATH = '/api/v1/entrances/check-rows';
export const IMPORT_PATH = '/api/v1/entrances/import-rows';

/** A request body sent to one of the import routes, as the service received it. */
export interface Upload {
  /** Path and query string, e.g. `/api/v1/entrances/check-rows?summary=true`. */
  url: string;
  contentType: string;
  size: number;
  sha256: string;
}

/**
 * What the page must have sent to upload a file from disk, as it is: its bytes (size and digest),
 * with this Content-Type. The file is read as a stream.
 */
export async function uploadOf(file: string, url: string, contentType: string): Promise<Upload> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { url, contentType, size, sha256: hash.digest('hex') };
}

/**
 * A proxy in front of the service that records the bodies POSTed to the import routes (size and
 * digest, never the bytes), for a suite. The page loaded from `url` sends every request through it.
 * The browser sends a file from disk without the page or the DevTools protocol seeing its bytes, so
 * only the receiving end can tell what was sent. Declare after `useTestService()`.
 */
export function useUploadRecorder(suite: { app: TestService }): {
  readonly url: string;
  /** The uploads received since the test began, in order, to the routes whose path starts so. */
  of(path: string): Upload[];
} {
  let server: http.Server;
  let url = '';
  const uploads: Upload[] = [];
  before(async () => {
    const target = new URL(suite.app.url);
    server = http.createServer((req, res) => {
      const forward = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && (path === CHECK_PATH || path === IMPORT_PATH)) {
        const hash = createHash('sha256');
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        req.on('end', () => {
          const contentType = String(req.headers['content-type'] ?? '');
          uploads.push({ url: req.url ?? '', contentType, size, sha256: hash.digest('hex') });
        });
      }
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    uploads.length = 0;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    get url() {
      return url;
    },
    of: (path) => uploads.filter((upload) => upload.url.startsWith(path)),
  };
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

/** Every request the page makes from now on, as `METHOD /path?query`, in order. */
export function recordRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    seen.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  return seen;
}

/** `GET /api/v1/jobs/<batchId>`: the polls of one batch's status (not its stream, not the list). */
export const JOB_POLL = /^GET \/api\/v1\/jobs\/[0-9a-f-]{36}$/;
/** `GET /api/v1/jobs/<batchId>/events`: a batch's event stream. */
export const JOB_STREAM = /^GET \/api\/v1\/jobs\/[0-9a-f-]{36}\/events$/;
