import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import {
  assertNoHorizontalScroll,
  CHECK_PATH,
  checkCounts,
  failureTable,
  IMPORT_PATH,
  screenshot,
  signIn,
  textOf,
  uploadOf,
  useBrowser,
  useUploadRecorder,
  writeCsv,
} from '../support/browserPage';
import { importAndWait } from '../support/imports';
import { entranceRow, withoutColumns } from '../support/rows';
import { useTestService } from '../support/testService';

/**
 * A file mixing every outcome: fresh rows, repeats of earlier keys of the file, a row of an entrance
 * imported before, and failures. Lines are the file's: row i is line i + 2.
 */
function mixedRows(existing: Record<string, string>) {
  const fresh = Array.from({ length: 6 }, (_, i) => entranceRow({ 'rdfs:label': `Grotte fraîche ${i}` }));
  const rows = [
    fresh[0],
    fresh[1],
    entranceRow({ 'w3geo:latitude': '123.4' }), // line 4
    { ...fresh[0], 'rdfs:label': 'Grotte fraîche 0 bis' }, // in-file duplicate
    fresh[2],
    { ...existing, 'rdfs:label': 'Déjà là, autrement nommée' }, // the entrance imported before
    entranceRow({ 'gn:countryCode': 'ZZ' }), // line 8
    fresh[3],
    { ...fresh[1], 'rdfs:label': 'Grotte fraîche 1 bis' },
    withoutColumns(entranceRow(), 'id'), // line 11
    fresh[4],
    fresh[5],
  ];
  const failures = [
    ['4', String(rows[2].id), 'Invalid latitude: 123.4'],
    ['8', String(rows[6].id), 'Unknown country code: ZZ'],
    ['11', '—', 'Columns missing: id'],
  ];
  return { rows, failures, created: 6, duplicates: 3 };
}

const CHECK_SUMMARY = `${CHECK_PATH}?summary=true`;
const UTF8 = 'text/csv; charset=utf-8';
/** The dry run's route, whatever its query string. */
const checkRoute = (url: URL) => url.pathname === CHECK_PATH;

describe('Admin check step in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();
  const uploads = useUploadRecorder(suite);
  let existing: Record<string, string>;

  before(async () => {
    existing = entranceRow({ 'rdfs:label': 'Gouffre déjà importé' });
    const status = await importAndWait(suite.app, suite.admin, [existing]);
    assert.equal(status.result?.summary.successes, 1);
  });

  it('checks a chosen file by sending it, shows the counts and failures by line, then imports the same file', async () => {
    const { page } = chrome;
    const mixed = mixedRows(existing);
    const file = writeCsv(chrome.folder, 'mixed.csv', mixed.rows);
    await signIn(page, uploads, suite.admin);

    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 6, duplicates: 3, failures: 3 });
    assert.deepEqual(await failureTable(page), mixed.failures);
    assert.equal(await textOf(page, '#check-failure-caption'), 'Rows that won’t be created (3)');
    assert.match(
      await textOf(page, '#check-status'),
      /6 will be created, 3 will be duplicates, 3 won’t be created/,
    );
    assert.equal(await page.locator('#check-more').isVisible(), false);
    assert.equal(await textOf(page, '#import-button'), 'Import 12 rows');
    const sent = await uploadOf(file, CHECK_SUMMARY, UTF8);
    assert.deepEqual(uploads.of(CHECK_PATH), [sent], 'the file itself is checked, as it is on disk');
    assert.deepEqual(uploads.of(IMPORT_PATH), [], 'nothing is imported by the check');
    await screenshot(page, 'check-step');

    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await textOf(page, '#summary-successes'), '6');
    assert.equal(await textOf(page, '#summary-duplicates'), '3');
    assert.equal(await textOf(page, '#summary-failures'), '3');
    assert.deepEqual(
      uploads.of(IMPORT_PATH),
      [{ ...sent, url: IMPORT_PATH }],
      'the import sends exactly the file that was checked',
    );
    assert.equal(await page.locator('#check-result').isVisible(), false);
    assert.equal(await textOf(page, '#import-button'), 'Check file');

    // The summary links to the import's duplicates (duplicatesUrl).
    const link = page.getByRole('link', { name: 'Review the 3 duplicates of this import' });
    await link.click();
    await page.locator('#duplicates-list > li').nth(2).waitFor();
    assert.equal(await page.locator('#duplicates-list > li').count(), 3);
    assert.match(page.url(), /#duplicates=[0-9a-f-]{36}$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'duplicates-heading');
  });

  it('lists the first 50 failures and says how many more there are', async () => {
    const { page } = chrome;
    const rows = [
      entranceRow(),
      ...Array.from({ length: 63 }, () => entranceRow({ 'w3geo:longitude': '999' })),
    ];
    await signIn(page, suite.app, suite.admin);
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'many-failures.csv', rows));
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 63 });
    const table = await failureTable(page);
    assert.equal(table.length, 50);
    assert.deepEqual(table[0], ['3', String(rows[1].id), 'Invalid longitude: 999']);
    assert.equal(table[49][0], '52');
    assert.equal(
      await textOf(page, '#check-failure-caption'),
      'The first 50 of 63 rows that won’t be created',
    );
    assert.match(await textOf(page, '#check-more'), /13 more rows not shown/);
  });

  it('starts over when another file is chosen, and checks a file again on request', async () => {
    const { page } = chrome;
    await signIn(page, uploads, suite.admin);
    const first = writeCsv(chrome.folder, 'first.csv', [entranceRow(), entranceRow()]);
    const second = writeCsv(chrome.folder, 'second.csv', [entranceRow({ 'gn:countryCode': 'ZZ' })]);
    await page.locator('#csv-file').setInputFiles(first);
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    assert.equal(await page.locator('#check-failure-block').isVisible(), false);

    await page.locator('#csv-file').setInputFiles(second);
    // The first check is gone at once; the second one's answer replaces it.
    assert.equal(await textOf(page, '#import-button'), 'Checking…');
    assert.deepEqual(await checkCounts(page), { created: 0, duplicates: 0, failures: 1 });
    assert.equal(await textOf(page, '#import-button'), 'Import 1 row');

    await page.locator('#recheck-button').click();
    await page.locator('#import-button', { hasText: 'Import 1 row' }).waitFor();
    assert.deepEqual(uploads.of(CHECK_PATH), [
      await uploadOf(first, CHECK_SUMMARY, UTF8),
      await uploadOf(second, CHECK_SUMMARY, UTF8),
      await uploadOf(second, CHECK_SUMMARY, UTF8),
    ]);
  });

  it('says to choose the file again when it changed on disk after it was chosen, and imports nothing of it', async () => {
    const { page } = chrome;
    const batches = async () => (await suite.app.query('SELECT count(*)::int AS n FROM t_job_batch'))[0].n;
    const before = await batches();
    await signIn(page, uploads, suite.admin);
    const file = writeCsv(chrome.folder, 'edited.csv', [entranceRow(), entranceRow()]);
    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    // Saved again from a spreadsheet: the browser no longer reads the file it was given.
    const saveAgain = async (rows: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      writeCsv(
        chrome.folder,
        'edited.csv',
        Array.from({ length: rows }, () => entranceRow()),
      );
    };

    await saveAgain(3);
    await page.locator('#recheck-button').click();
    await page.locator('#error', { hasText: 'choose it again' }).waitFor();
    assert.match(
      await textOf(page, '#error'),
      /^The file could not be read: .*If it was changed since you chose it, choose it again\.$/,
    );
    assert.equal(await textOf(page, '#import-button'), 'Check file');
    // Choosing it again, from the same place, checks the file as it is now.
    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 3, duplicates: 0, failures: 0 });

    await saveAgain(4);
    await page.locator('#import-button').click();
    await page.locator('#error', { hasText: 'can no longer be read' }).waitFor();
    assert.equal(
      await textOf(page, '#error'),
      '“edited.csv” can no longer be read: it was probably changed since you chose it. Choose it again.',
    );
    assert.equal(await textOf(page, '#import-button'), 'Check file');
    assert.equal(await page.locator('#check-result').isVisible(), false);
    assert.equal(await page.locator('#progress-section').isVisible(), false);
    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 4, duplicates: 0, failures: 0 });
    assert.deepEqual(uploads.of(IMPORT_PATH), [], 'no upload of the changed file was completed');
    assert.equal(await batches(), before, 'nothing was imported');
  });

  it('says why a check failed: 400, 403, 413, 415, 5xx and a network error, and imports nothing', async () => {
    const { page } = chrome;
    await signIn(page, uploads, suite.admin);
    const error = page.locator('#error');
    const choose = async (name: string, rows: object[], after = '') => {
      const file = writeCsv(chrome.folder, name, rows);
      appendFileSync(file, after);
      await page.locator('#csv-file').setInputFiles(file);
      await page.locator('#import-button', { hasText: 'Check file' }).waitFor();
      return textOf(page, '#error');
    };

    // The server's own 400s: the first row lacks a mandatory column; a row has more cells than the
    // header (the server reads the file, so it names the line).
    const noCountry = withoutColumns(entranceRow(), 'gn:countryCode');
    assert.match(
      await choose('no-country.csv', [noCountry]),
      /^The file was rejected: Columns missing: gn:countryCode/,
    );
    assert.match(
      await choose('extra-cells.csv', [entranceRow(), entranceRow()], `${'x,'.repeat(40)}x\n`),
      /^The file was rejected: The CSV file could not be read at line 4: the row has 41 cells but the header has \d+ columns\.$/,
    );

    const answers: [number, string | null, RegExp][] = [
      [
        403,
        '{"message":"You are not authorized to import entrances via CSV."}',
        /^Only administrators can check/,
      ],
      [
        413,
        '{"message":"At most 5 rows per request."}',
        /too large to check in one go: At most 5 rows.*Split it/,
      ],
      [
        500,
        '{"message":"Database unavailable."}',
        /^The server could not check the file: Database unavailable\.$/,
      ],
      [503, null, /^The server could not check the file \(HTTP 503\)\. Try again in a moment\.$/],
      [
        415,
        '{"message":"A CSV file in the charset \\"x\\" cannot be read."}',
        /^The file was rejected: A CSV file in the charset "x" cannot be read\.$/,
      ],
    ];
    for (const [status, body, expected] of answers) {
      await page.route(checkRoute, (route) =>
        route.fulfill({
          status,
          contentType: body ? 'application/json' : 'text/html',
          body: body ?? '<h1>down</h1>',
        }),
      );
      assert.match(await choose(`answer-${status}.csv`, [entranceRow()]), expected);
      assert.equal(await page.locator('#check-result').isVisible(), false);
      await page.unroute(checkRoute);
    }

    await page.route(checkRoute, (route) => route.abort('internetdisconnected'));
    assert.match(await choose('offline.csv', [entranceRow()]), /Could not reach the server/);
    await page.unroute(checkRoute);
    assert.ok(await error.isVisible());

    // Once the server answers again, "Check file" checks the same file.
    await page.locator('#import-button').click();
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 0 });
    assert.equal(await textOf(page, '#error'), '');
    assert.deepEqual(uploads.of(IMPORT_PATH), []);

    // A 401 (expired or revoked token) ends the session and says so.
    await page.route(checkRoute, (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"Unauthorized."}' }),
    );
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'expired.csv', [entranceRow()]));
    await page.locator('#sign-in-section').waitFor({ state: 'visible' });
    assert.match(await textOf(page, '#error'), /session has expired/);
    assert.equal(await page.locator('#import-section').isVisible(), false);
  });

  it('can be used with the keyboard alone, from the check to the duplicates of the import', async () => {
    const { page } = chrome;
    const mixed = mixedRows(existing);
    await signIn(page, suite.app, suite.admin);
    await page.locator('#import-heading').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'csv-file');
    // The file chooser is the system's own dialog; choosing in it is what setInputFiles stands for.
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'keyboard.csv', mixed.rows));
    await checkCounts(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Import 12 rows');
    await page.keyboard.press('Enter');
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'summary-heading');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'review-duplicates');
    await page.keyboard.press('Enter');
    await page.locator('#duplicates-list > li').nth(2).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'duplicates-heading');
  });

  it('fits a 375 px and a 320 px wide screen with the check shown', async () => {
    const { page } = chrome;
    await page.setViewportSize({ width: 375, height: 800 });
    await signIn(page, suite.app, suite.admin);
    const long = 'x'.repeat(90);
    const rows = [
      entranceRow(),
      entranceRow({ id: `identifiant-${long}`, 'w3geo:latitude': `${long}` }),
      entranceRow({ 'gn:countryCode': 'ZZ' }),
    ];
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'phone.csv', rows));
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 2 });
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'check-step-375px');
    await page.setViewportSize({ width: 320, height: 800 });
    await assertNoHorizontalScroll(page);
  });
});
