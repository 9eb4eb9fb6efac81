import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import {
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
import { importAndWait, outcomesOf } from '../support/imports';
import { entranceRow } from '../support/rows';
import { useTestService } from '../support/testService';

const DESCRIPTION = {
  'karstlink:hasDescriptionDocument/dct:title': 'Accès',
  'karstlink:hasDescriptionDocument/dct:description': 'Salle; puits de 20 m\npuis méandre étroit',
  'karstlink:hasDescriptionDocument/dct:creator': 'Jean-Noël',
  'karstlink:hasDescriptionDocument/dc:language': 'fra',
};

/** Downloads a report as the admin's browser would, and checks it starts with a byte-order mark. */
async function downloadReport(url: string | null | undefined): Promise<Record<string, string>[]> {
  assert.ok(url, 'the report exists');
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark');
  return parse(bytes, { bom: true, columns: true });
}

const CHECK_SUMMARY = `${CHECK_PATH}?summary=true`;

describe('Admin spreadsheet round trip in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();
  const uploads = useUploadRecorder(suite);

  it('checks and imports a failures.csv fixed and saved by a spreadsheet (BOM, ";", CRLF), by its own lines', async () => {
    const { page } = chrome;
    // An import whose failures carry accents, and a cell with a ";" and a line break.
    const first = await importAndWait(suite.app, suite.admin, [
      entranceRow(),
      entranceRow({ 'rdfs:label': 'Grotte de l’Éléphant', 'w3geo:latitude': '123.4', ...DESCRIPTION }),
      entranceRow({ 'rdfs:label': 'Gouffre Étoilé', 'gn:countryCode': 'ZZ' }),
      entranceRow({ 'rdfs:label': 'Puits des Trésors', 'w3geo:altitude': 'haut' }),
      entranceRow({ 'rdfs:label': 'Aven du Pèlerin', 'w3geo:longitude': '999' }),
    ]);
    const report = await downloadReport(first.result?.reportUrls.failures);
    assert.deepEqual(
      report.map((row) => [row.line, row.message]),
      [
        ['3', 'Invalid latitude: 123.4'],
        ['4', 'Unknown country code: ZZ'],
        ['5', 'Invalid integer in w3geo:altitude: haut'],
        ['6', 'Invalid longitude: 999'],
      ],
    );
    assert.equal(Object.keys(report[0])[0], 'line');

    // Fixed in the spreadsheet: three rows corrected, one left wrong, a row emptied in the middle.
    const [elephant, etoile, tresors, pelerin] = report;
    const blank = Object.fromEntries(Object.keys(elephant).map((column) => [column, '']));
    const fixed = [
      { ...elephant, 'w3geo:latitude': '45.5' },
      etoile,
      blank,
      { ...tresors, 'w3geo:altitude': '850' },
      { ...pelerin, 'w3geo:longitude': '6.1' },
    ];
    const file = writeCsv(chrome.folder, 'failures (corrigé).csv', fixed, {
      separator: ';',
      bom: true,
      crlf: true,
    });

    await signIn(page, uploads, suite.admin);
    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 3, duplicates: 0, failures: 1 });
    // Lines of the new file, where each row begins in it: the Éléphant's description spans lines 2 and
    // 3, and the blank row (line 5) is no row.
    assert.deepEqual(await failureTable(page), [['4', etoile.id, 'Unknown country code: ZZ']]);
    assert.equal(await textOf(page, '#import-button'), 'Import 4 rows');
    assert.equal(await textOf(page, '#parse-notice'), '');
    // The page sent the file as it is, BOM and all, as UTF-8: the server reads it.
    assert.deepEqual(uploads.of(CHECK_PATH), [
      await uploadOf(file, CHECK_SUMMARY, 'text/csv; charset=utf-8'),
    ]);
    await screenshot(page, 'spreadsheet-round-trip-check');

    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.deepEqual(
      [
        await textOf(page, '#summary-successes'),
        await textOf(page, '#summary-duplicates'),
        await textOf(page, '#summary-failures'),
      ],
      ['3', '0', '1'],
    );
    assert.deepEqual(uploads.of(IMPORT_PATH), [await uploadOf(file, IMPORT_PATH, 'text/csv; charset=utf-8')]);
    const batchId = await textOf(page, '#summary-batch');
    assert.deepEqual(
      (await outcomesOf(suite.app, batchId)).map((row) => [row.line, row.outcome]),
      [
        [2, 'success'],
        [4, 'failure'],
        [6, 'success'],
        [7, 'success'],
      ],
    );
    // Read as it is: no BOM in the first column's name, the report's columns kept, ";" cells, line
    // breaks and accents intact.
    const [{ columns }] = await suite.app.query('SELECT columns FROM t_job_batch WHERE id = $1', [batchId]);
    assert.deepEqual(columns, Object.keys(elephant));
    assert.equal(columns[0], 'line');
    const names = await suite.app.query(
      'SELECT name FROM t_name WHERE id_job_batch = $1 AND id_entrance IS NOT NULL ORDER BY name',
      [batchId],
    );
    assert.deepEqual(
      names.map((row) => row.name),
      ['Aven du Pèlerin', 'Grotte de l’Éléphant', 'Puits des Trésors'],
    );
    const [description] = await suite.app.query(
      `SELECT d.title, d.body, c.nickname AS author
         FROM t_description d JOIN t_caver c ON c.id = d.id_author WHERE d.id_job_batch = $1`,
      [batchId],
    );
    assert.deepEqual(description, {
      title: 'Accès',
      body: 'Salle; puits de 20 m\npuis méandre étroit',
      author: 'Jean-Noël',
    });

    // And the next failures.csv lists them by the new file's lines, its line and message columns once.
    const job = await suite.app.waitForBatch(batchId, suite.admin.token);
    const again = await downloadReport(job.result?.reportUrls.failures);
    assert.deepEqual(Object.keys(again[0]).slice(0, 3), ['line', 'message', 'id']);
    assert.deepEqual(
      again.map((row) => [row.line, row['rdfs:label']]),
      [['4', 'Gouffre Étoilé']],
    );
  });

  it('sends Excel’s plain CSV (Windows-1252, ";") as windows-1252, UTF-16 text with tabs (.txt), and a comma file whose cells hold semicolons', async () => {
    const { page } = chrome;
    await signIn(page, uploads, suite.admin);

    const legacy = [
      entranceRow({ 'rdfs:label': 'Gouffre Étoilé', 'gn:alternateName': 'l’Œil « noir »' }),
      entranceRow({ 'rdfs:label': 'Aven de la Pèlerine', 'w3geo:latitude': '45,5' }),
      entranceRow({ id: `Été-${Date.now()}`, 'w3geo:altitude': 'élevé' }),
    ];
    const ansi = writeCsv(chrome.folder, 'excel-ansi.csv', legacy, {
      separator: ';',
      crlf: true,
      windows1252: true,
    });
    await page.locator('#csv-file').setInputFiles(ansi);
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 2 });
    // A decimal comma is the file's own mistake: reported at its line, never rewritten by the page.
    // Accents come back from the server as they were in the file, the id's as well.
    assert.deepEqual(await failureTable(page), [
      ['3', legacy[1].id, 'Invalid latitude: 45,5'],
      ['4', legacy[2].id, 'Invalid integer in w3geo:altitude: élevé'],
    ]);
    assert.match(await textOf(page, '#parse-notice'), /sent as Windows-1252/);
    const windows1252 = 'text/csv; charset=windows-1252';
    assert.deepEqual(uploads.of(CHECK_PATH), [await uploadOf(ansi, CHECK_SUMMARY, windows1252)]);
    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await textOf(page, '#summary-successes'), '1');
    assert.deepEqual(uploads.of(IMPORT_PATH), [await uploadOf(ansi, IMPORT_PATH, windows1252)]);
    const names = await suite.app.query(
      'SELECT DISTINCT name FROM t_name WHERE id_job_batch = $1 ORDER BY name',
      [await textOf(page, '#summary-batch')],
    );
    assert.deepEqual(
      names.map((row) => row.name),
      ['Gouffre Étoilé', 'l’Œil « noir »'],
    );

    const unicode = [
      entranceRow({ 'rdfs:label': 'Gouffre de l’Œil, dit ; «\tNoir »' }),
      entranceRow({ id: `Œ-${Date.now()}`, 'gn:countryCode': 'ZZ' }),
    ];
    // Excel's "Unicode Text": UTF-16, tabs, saved as .txt.
    const utf16 = writeCsv(chrome.folder, 'unicode.txt', unicode, {
      separator: '\t',
      crlf: true,
      utf16le: true,
    });
    await page.locator('#csv-file').setInputFiles(utf16);
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 1 });
    assert.deepEqual(await failureTable(page), [['3', unicode[1].id, 'Unknown country code: ZZ']]);
    assert.equal(await textOf(page, '#parse-notice'), '');
    assert.deepEqual(
      uploads.of(CHECK_PATH).at(-1),
      await uploadOf(utf16, CHECK_SUMMARY, 'text/csv; charset=utf-16le'),
    );

    const semicolons = [
      entranceRow({ 'rdfs:label': 'Trou; dit « le Souffleur »', 'gn:alternateName': 'a;b;c;d;e;f' }),
      entranceRow({ 'rdfs:label': 'Grotte; encore', 'gn:alternateName': 'g;h;i;j;k;l;m' }),
    ];
    const commas = writeCsv(chrome.folder, 'commas.csv', semicolons);
    await page.locator('#csv-file').setInputFiles(commas);
    // Read with ";" as separator, the header would lack every mandatory column.
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    assert.deepEqual(
      uploads.of(CHECK_PATH).at(-1),
      await uploadOf(commas, CHECK_SUMMARY, 'text/csv; charset=utf-8'),
    );
  });
});
