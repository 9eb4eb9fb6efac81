import assert from 'node:assert/strict';
import { checkCounts, IMPORT_PATH, signIn, textOf, useBrowser, writeCsv } from '../support/browserPage';
import { importAndWait } from '../support/imports';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

describe('Admin import page: one import per file, and progress read out sparingly, in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService({ settings: { import: { chunkSize: 5 } } });
  const chrome = useBrowser();

  const batches = async () =>
    (await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch'))[0].n as number;

  /** Import requests the page sends, with their Idempotency-Key. */
  function recordImports() {
    const keys: (string | undefined)[] = [];
    chrome.page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === IMPORT_PATH) {
        keys.push(request.headers()['idempotency-key']);
      }
    });
    return keys;
  }

  it('keeps the form busy while a file is sent, even when a past import is opened meanwhile', async () => {
    const { page } = chrome;
    await importAndWait(suite.app, suite.admin, [entranceRow()]);
    await signIn(page, suite.app, suite.admin);
    const imports = recordImports();
    await page
      .locator('#csv-file')
      .setInputFiles(writeCsv(chrome.folder, 'busy.csv', [entranceRow(), entranceRow()]));
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    const before = await batches();
    // The upload takes a few seconds to be answered.
    await page.route(`**${IMPORT_PATH}`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === IMPORT_PATH);
    await page.locator('#import-button').click();
    await page.locator('#imports-list .import-link').first().click();
    await page.locator('#accepted-text', { hasText: /^Opening import|Import of/ }).waitFor();
    assert.ok(await page.locator('#import-button').isDisabled(), 'the file is still being sent');
    await page
      .locator('#import-button')
      .click({ force: true })
      .catch(() => {});
    assert.equal((await answered).status(), 202);
    await page.locator('#summary-heading', { hasText: 'Import complete' }).waitFor({ timeout: 60_000 });
    assert.equal(imports.length, 1, 'one import request');
    assert.equal(await batches(), before + 1, 'one batch');
  });

  it('sends an Idempotency-Key with the import: sent again after a lost answer, the file makes one batch', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, suite.admin);
    const imports = recordImports();
    await page
      .locator('#csv-file')
      .setInputFiles(writeCsv(chrome.folder, 'retry.csv', [entranceRow(), entranceRow()]));
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    const before = await batches();
    // The server accepts the first upload, but its answer never reaches the page.
    let lost = false;
    await page.route(`**${IMPORT_PATH}`, async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.locator('#import-button').click();
    await page.locator('#error').waitFor({ state: 'visible' });
    assert.equal(await batches(), before + 1, 'the server has the batch');
    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(imports.length, 2);
    assert.match(imports[0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(imports[1], imports[0], 'the same key for the same checked file');
    assert.equal(await batches(), before + 1, 'still one batch');
    assert.equal(await textOf(page, '#summary-successes'), '2');
  });

  it('reads progress out when the status changes or a quarter of the rows is done, not at every event', async () => {
    const { page } = chrome;
    await signIn(page, suite.app, suite.admin);
    const rows = Array.from({ length: 100 }, () => entranceRow()); // 20 chunks of 5 rows
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'many.csv', rows));
    assert.deepEqual(await checkCounts(page), { created: 100, duplicates: 0, failures: 0 });
    // As a string: the test's compiler would name the functions with a helper the page lacks.
    await page.evaluate(`(() => {
      window.announced = [];
      window.shown = [];
      for (const [id, into] of [['progress-announcement', window.announced], ['status-text', window.shown]]) {
        const node = document.getElementById(id);
        new MutationObserver(() => into.push(node.textContent)).observe(node, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      }
    })()`);
    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    const { announced, shown } = (await page.evaluate(
      '({ announced: window.announced, shown: window.shown })',
    )) as {
      announced: string[];
      shown: string[];
    };
    assert.equal(await page.locator('#progress-announcement').getAttribute('role'), 'status');
    assert.equal(await page.locator('#status-text').getAttribute('aria-live'), null);
    assert.equal(announced.at(-1), '100 of 100 rows processed (completed).');
    // pending, active, aggregating, completed, and the quarters between: never one per chunk.
    assert.ok(announced.length <= 9, `read out ${announced.length} times: ${JSON.stringify(announced)}`);
    assert.ok(shown.length > announced.length, `shown ${shown.length} times, read out ${announced.length}`);
  });
});
