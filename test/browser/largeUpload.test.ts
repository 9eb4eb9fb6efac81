import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { CDPSession } from 'playwright-core';
import {
  CHECK_PATH,
  checkCounts,
  failureTable,
  IMPORT_PATH,
  signIn,
  textOf,
  uploadOf,
  useBrowser,
  useUploadRecorder,
} from '../support/browserPage';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

/**
 * The admin page with a file too large to hold: it sends the file from disk, never reading it into
 * memory. 50,000 rows (7 MB) in the suite;
 * `PAGE_UPLOAD_ROWS=1000000 npx mocha --grep "upload of a large file"` measures a million (150 MB)
 * and prints the same figures.
 */
const ROWS = Number(process.env.PAGE_UPLOAD_ROWS ?? 50_000);

interface Expected {
  file: string;
  created: number;
  duplicates: number;
  failures: number;
  /** The first failing rows: [line, id]. */
  firstFailures: [string, string][];
}

/**
 * Streams a Karstlink CSV file of `rows` rows to disk, a few rows at a time: one row in 1,000 repeats
 * the key of the row before it (a duplicate), one in 10,000 has an impossible latitude (a failure).
 */
async function writeLargeCsv(file: string, rows: number): Promise<Expected> {
  const columns = Object.keys(entranceRow());
  const csv = stringify({ header: true, columns });
  const done = finished(csv.pipe(createWriteStream(file)));
  const expected: Expected = { file, created: 0, duplicates: 0, failures: 0, firstFailures: [] };
  let previous = entranceRow();
  for (let i = 0; i < rows; i++) {
    let row: Record<string, string>;
    if (i % 10_000 === 5_000) {
      row = entranceRow({ 'w3geo:latitude': '123.4' });
      expected.failures++;
      if (expected.firstFailures.length < 50) expected.firstFailures.push([String(i + 2), row.id]);
    } else if (i % 1_000 === 999) {
      row = { ...previous, 'rdfs:label': `${previous['rdfs:label']} again` };
      expected.duplicates++;
    } else {
      row = entranceRow();
      expected.created++;
    }
    previous = row;
    if (!csv.write(row)) await once(csv, 'drain');
  }
  csv.end();
  await done;
  return expected;
}

/** Samples a value every 200 ms until stopped, keeping the largest. */
function peak(sample: () => Promise<number> | number): { stop(): Promise<number> } {
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      max = Math.max(max, await sample());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return max;
    },
  };
}

/** The page's JavaScript heap in use, garbage included, as DevTools reports it. */
async function pageHeap(cdp: CDPSession): Promise<number> {
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** What the page's heap holds: its size after a full garbage collection. */
async function heldHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return pageHeap(cdp);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

describe('Admin page upload of a large file in Chromium', function () {
  // The 1,000,000-row run takes minutes on a small machine; the suite's 50,000 rows well under one.
  this.timeout(Math.max(180_000, ROWS * 3));
  const suite = useTestService({ settings: { import: { chunkSize: 1000 } } });
  const chrome = useBrowser();
  const uploads = useUploadRecorder(suite);
  const file = () => path.join(chrome.folder, 'large.csv');
  after(() => rmSync(file(), { force: true }));

  it(`checks and imports ${ROWS.toLocaleString('en')} rows, sending the file from disk and never holding it`, async () => {
    const { page } = chrome;
    const started = Date.now();
    const expected = await writeLargeCsv(file(), ROWS);
    const { size } = await stat(expected.file);
    const written = Date.now();
    await signIn(page, uploads, suite.admin);
    const cdp = await page.context().newCDPSession(page);
    const heldBefore = await heldHeap(cdp);
    const heap = peak(() => pageHeap(cdp));
    // The service runs in this process: its memory is the process's, the test's own included.
    let rss = peak(() => process.memoryUsage.rss());
    let heapUsed = peak(() => process.memoryUsage().heapUsed);
    const memory: string[] = [];
    const phase = async (name: string) => {
      memory.push(`${name} ${megabytes(await rss.stop())} RSS / ${megabytes(await heapUsed.stop())} heap`);
      rss = peak(() => process.memoryUsage.rss());
      heapUsed = peak(() => process.memoryUsage().heapUsed);
    };

    const rssBefore = process.memoryUsage.rss();
    const answered = page
      .waitForResponse((response) => response.url().includes(CHECK_PATH), { timeout: 3_600_000 })
      .then(async (response) => {
        await response.finished();
        return Date.now();
      })
      // Only for the figures: a test that failed before the answer must not leave a rejection behind.
      .catch(() => Number.NaN);
    const t0 = Date.now();
    await page.locator('#csv-file').setInputFiles(expected.file);
    await page
      .locator('#check-status', { hasText: /with the server|complete/ })
      .waitFor({ timeout: 600_000 });
    const encoded = Date.now();
    await page.locator('#check-result').waitFor({ state: 'visible', timeout: 3_600_000 });
    const checked = Date.now();
    await phase('check');
    const heldAfterCheck = await heldHeap(cdp);
    assert.deepEqual(await checkCounts(page), {
      created: expected.created,
      duplicates: expected.duplicates,
      failures: expected.failures,
    });
    const table = await failureTable(page);
    assert.deepEqual(
      table.map(([line, id]) => [line, id]),
      expected.firstFailures,
    );
    assert.equal(await textOf(page, '#import-button'), `Import ${ROWS} rows`);

    const t1 = Date.now();
    await page.locator('#import-button').click();
    await page.locator('#import-progress').waitFor({ state: 'visible', timeout: 3_600_000 });
    const accepted = Date.now();
    await phase('upload until 202');
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 3_600_000 });
    const completed = Date.now();
    const pageHeapPeak = await heap.stop();
    await phase('import until completed');
    const heldAfterImport = await heldHeap(cdp);
    assert.deepEqual(
      [
        await textOf(page, '#summary-successes'),
        await textOf(page, '#summary-duplicates'),
        await textOf(page, '#summary-failures'),
      ],
      [String(expected.created), String(expected.duplicates), String(expected.failures)],
    );

    // What the service received: the file's own bytes, as a CSV upload, once to check, once to import.
    const sent = await uploadOf(expected.file, `${CHECK_PATH}?summary=true`, 'text/csv; charset=utf-8');
    assert.equal(sent.size, size);
    assert.deepEqual(uploads.of(CHECK_PATH), [sent]);
    assert.deepEqual(uploads.of(IMPORT_PATH), [{ ...sent, url: IMPORT_PATH }]);

    console.log(
      [
        `      ${ROWS} rows, ${megabytes(size)} written in ${seconds(written - started)}`,
        `      check: ${seconds(checked - t0)} (encoding found in ${seconds(encoded - t0)}, ` +
          `server answered after ${seconds((await answered) - encoded)}, ids of the failures shown read in ${seconds(checked - (await answered))}), ` +
          `import: 202 in ${seconds(accepted - t1)}, completed after ${seconds(completed - t1)}`,
        `      page heap: ${mb(heldBefore)} held before, ${mb(pageHeapPeak)} at most (garbage included), ` +
          `${mb(heldAfterCheck)} held after the check, ${mb(heldAfterImport)} after the import; ` +
          `test process (service + test): ${megabytes(rssBefore)} RSS before; at most, ${memory.join(', ')}`,
      ].join('\n'),
    );
    // The page never holds the file: after the check and after the import its heap holds what it held
    // before (a page that had read the file would hold its rows: tens of megabytes), and even with
    // garbage it never comes near the size of the rows.
    assert.ok(
      heldAfterCheck - heldBefore < 1e6,
      `the page holds ${mb(heldAfterCheck - heldBefore)} more after the check`,
    );
    assert.ok(
      heldAfterImport - heldBefore < 1e6,
      `the page holds ${mb(heldAfterImport - heldBefore)} more after the import`,
    );
    assert.ok(pageHeapPeak < 32e6, `the page's heap reached ${mb(pageHeapPeak)}`);
  });
});
