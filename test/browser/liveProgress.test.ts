import assert from 'node:assert/strict';
import {
  checkCounts,
  JOB_POLL,
  JOB_STREAM,
  recordRequests,
  signIn,
  textOf,
  useBrowser,
  writeCsv,
} from '../support/browserPage';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

/** 120 fresh rows and 20 repeats of their keys: 6 chunks of 25 rows at most. */
function rows() {
  const fresh = Array.from({ length: 120 }, () => entranceRow());
  return [...fresh, ...fresh.slice(0, 20).map((row) => ({ ...row, 'rdfs:label': 'Encore' }))];
}

describe('Admin live progress in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();

  /** Imports a file through the page and waits for its summary; returns the batch id. */
  async function importThroughPage(name: string): Promise<string> {
    const { page } = chrome;
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, name, rows()));
    assert.deepEqual(await checkCounts(page), { created: 120, duplicates: 20, failures: 0 });
    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await textOf(page, '#summary-heading'), 'Import complete');
    assert.equal(await textOf(page, '#summary-successes'), '120');
    assert.equal(await textOf(page, '#summary-duplicates'), '20');
    assert.equal(await textOf(page, '#status-text'), '140 / 140 rows processed (completed)');
    assert.equal(await page.locator('#import-progress').getAttribute('value'), '140');
    assert.ok(await page.locator('#report-success').isVisible());
    return textOf(page, '#summary-batch');
  }

  it('follows an import through its event stream, without polling its status', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, suite.admin);
    const requests = recordRequests(page);
    const batchId = await importThroughPage('streamed.csv');
    assert.deepEqual(
      requests.filter((line) => JOB_STREAM.test(line)),
      [`GET /api/v1/jobs/${batchId}/events`],
      'one stream, kept to the end',
    );
    assert.deepEqual(
      requests.filter((line) => JOB_POLL.test(line)),
      [],
      'no poll while the stream works',
    );
    // The batch's own address, to come back to it.
    assert.equal(await page.evaluate(() => window.location.hash), `#batch=${batchId}`);
    await page.locator('#notification').waitFor({ state: 'visible' });
  });

  it('polls the status when the stream is refused (503), and still reaches the end', async () => {
    const { page } = chrome;
    await page.route('**/api/v1/jobs/*/events', (route) =>
      route.fulfill({
        status: 503,
        headers: { 'Retry-After': '5' },
        contentType: 'application/json',
        body: JSON.stringify({ message: 'This server follows as many imports as it can right now.' }),
      }),
    );
    await signIn(page, suite.app, suite.admin);
    const requests = recordRequests(page);
    const batchId = await importThroughPage('polled.csv');
    assert.equal(requests.filter((line) => JOB_STREAM.test(line)).length, 1, 'a refusal is not retried');
    const polls = requests.filter((line) => JOB_POLL.test(line));
    assert.ok(polls.length >= 1, 'the status was polled');
    assert.ok(polls.every((line) => line === `GET /api/v1/jobs/${batchId}`));
    assert.equal(await textOf(page, '#error'), '', 'the fallback is silent');
  });

  it('opens a lost stream again a few times, then polls', async () => {
    const { page } = chrome;
    await page.route('**/api/v1/jobs/*/events', (route) => route.abort('connectionreset'));
    await signIn(page, suite.app, suite.admin);
    const requests = recordRequests(page);
    await importThroughPage('flaky.csv');
    const streams = requests.filter((line) => JOB_STREAM.test(line)).length;
    assert.equal(streams, 4, 'the first stream and 3 more tries');
    const firstPoll = requests.findIndex((line) => JOB_POLL.test(line));
    const lastStream = requests.findLastIndex((line) => JOB_STREAM.test(line));
    assert.ok(firstPoll > lastStream, 'polling starts once the stream is given up, never alongside it');
  });
});
