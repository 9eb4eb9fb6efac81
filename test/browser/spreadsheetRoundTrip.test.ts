import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import {
  checkCounts,
  failureTable,
  recordPayloads,
  screenshot,
  signIn,
  textOf,
  useBrowser,
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

describe('Admin spreadsheet round trip in Chromium', function () {
  this.timeout(120_000);
  const suite = useTestService();
  const chrome = useBrowser();

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

    const checked = recordPayloads(page, '/api/v1/entrances/check-rows');
    await signIn(page, suite.app, suite.admin);
    await page.locator('#csv-file').setInputFiles(file);
    assert.deepEqual(await checkCounts(page), { created: 3, duplicates: 0, failures: 2 });
    // Lines of the new file: the blank row keeps its place, so every line is the spreadsheet's row number.
    const table = await failureTable(page);
    assert.deepEqual(table[0], ['3', etoile.id, 'Unknown country code: ZZ']);
    assert.deepEqual(table[1].slice(0, 2), ['4', '—']);
    assert.match(table[1][2], /^Columns missing: id,/);
    assert.match(await textOf(page, '#parse-notice'), /1 blank row \(line 4\)/);

    // The page read the file as it is: no BOM in the first column's name, ";" cells and accents intact.
    const sent = checked[0];
    assert.equal(sent.length, 5);
    assert.deepEqual(Object.keys(sent[0]), Object.keys(elephant));
    assert.equal(Object.keys(sent[0])[0], 'line');
    assert.equal(sent[0]['rdfs:label'], 'Grotte de l’Éléphant');
    assert.equal(
      sent[0]['karstlink:hasDescriptionDocument/dct:description'],
      DESCRIPTION['karstlink:hasDescriptionDocument/dct:description'],
    );
    assert.equal(sent[0]['karstlink:hasDescriptionDocument/dct:creator'], 'Jean-Noël');
    assert.equal(sent[1].message, 'Unknown country code: ZZ');
    await screenshot(page, 'spreadsheet-round-trip-check');

    await page.locator('#import-button').click();
    await page.locator('#summary').waitFor({ state: 'visible', timeout: 60_000 });
    assert.deepEqual(
      [
        await textOf(page, '#summary-successes'),
        await textOf(page, '#summary-duplicates'),
        await textOf(page, '#summary-failures'),
      ],
      ['3', '0', '2'],
    );
    const batchId = await textOf(page, '#summary-batch');
    assert.deepEqual(
      (await outcomesOf(suite.app, batchId)).map((row) => [row.line, row.outcome]),
      [
        [2, 'success'],
        [3, 'failure'],
        [4, 'failure'],
        [5, 'success'],
        [6, 'success'],
      ],
    );
    const names = await suite.app.query(
      'SELECT name FROM t_name WHERE id_job_batch = $1 AND id_entrance IS NOT NULL ORDER BY name',
      [batchId],
    );
    assert.deepEqual(
      names.map((row) => row.name),
      ['Aven du Pèlerin', 'Grotte de l’Éléphant', 'Puits des Trésors'],
    );
    const [description] = await suite.app.query(
      'SELECT title, body FROM t_description WHERE id_job_batch = $1',
      [batchId],
    );
    assert.deepEqual(description, { title: 'Accès', body: 'Salle; puits de 20 m\npuis méandre étroit' });

    // And the next failures.csv lists them by the new file's lines, its line and message columns once.
    const job = await suite.app.waitForBatch(batchId, suite.admin.token);
    const again = await downloadReport(job.result?.reportUrls.failures);
    assert.deepEqual(Object.keys(again[0]).slice(0, 3), ['line', 'message', 'id']);
    assert.deepEqual(
      again.map((row) => [row.line, row['rdfs:label']]),
      [
        ['3', 'Gouffre Étoilé'],
        ['4', ''],
      ],
    );
  });

  it('reads Excel’s plain CSV (Windows-1252, ";") and a comma file whose cells hold semicolons', async () => {
    const { page } = chrome;
    const checked = recordPayloads(page, '/api/v1/entrances/check-rows');
    await signIn(page, suite.app, suite.admin);

    const legacy = [
      entranceRow({ 'rdfs:label': 'Gouffre Étoilé' }),
      entranceRow({ 'rdfs:label': 'Aven de la Pèlerine', 'w3geo:latitude': '45,5' }),
    ];
    await page
      .locator('#csv-file')
      .setInputFiles(
        writeCsv(chrome.folder, 'excel-ansi.csv', legacy, { separator: ';', crlf: true, windows1252: true }),
      );
    assert.deepEqual(await checkCounts(page), { created: 1, duplicates: 0, failures: 1 });
    assert.equal(checked[0][0]['rdfs:label'], 'Gouffre Étoilé');
    // A decimal comma is the file's own mistake: reported at its line, never rewritten by the page.
    assert.deepEqual(await failureTable(page), [['3', legacy[1].id, 'Invalid latitude: 45,5']]);
    assert.match(await textOf(page, '#parse-notice'), /read as Windows-1252/);

    const semicolons = [
      entranceRow({ 'rdfs:label': 'Trou; dit « le Souffleur »', 'gn:alternateName': 'a;b;c;d;e;f' }),
      entranceRow({ 'rdfs:label': 'Grotte; encore', 'gn:alternateName': 'g;h;i;j;k;l;m' }),
    ];
    await page.locator('#csv-file').setInputFiles(writeCsv(chrome.folder, 'commas.csv', semicolons));
    assert.deepEqual(await checkCounts(page), { created: 2, duplicates: 0, failures: 0 });
    assert.equal(checked[1][0]['rdfs:label'], 'Trou; dit « le Souffleur »');
    assert.equal(checked[1][1]['gn:alternateName'], 'g;h;i;j;k;l;m');
  });
});
