import assert from 'node:assert/strict';
import fc from 'fast-check';
import { outcomesOf } from '../../support/imports';
import { entranceRow } from '../../support/rows';
import { type TestService, useTestService } from '../../support/testService';

/**
 * Twists of one cell, written as raw JSON (so that numbers JSON.stringify cannot write, such as
 * 1e400, reach the server), each a way a row could be read differently by two code paths.
 */
const TWISTS: readonly string[] = [
  '"w3geo:altitude": 1e400',
  '"w3geo:latitude": -1e400',
  '"w3geo:latitude": 0.0000001',
  '"w3geo:longitude": 5',
  '"w3geo:altitude": 1e21',
  '"id": 1e400',
  '"id": 42',
  '"id": "agree-shared"',
  '"id": "  agree-shared  "',
  '"id": "agree-other"',
  '"dct:rights/cc:attributionName": "agree club"',
  '"rdfs:label": "Nul\\u0000inside"',
  '"gn:alternateName": "Half \\ud800"',
  '"rdfs:label": {"toString": 1}',
  '"gn:countryCode": "zz"',
  '"gn:countryCode": " fr "',
  '"karstlink:hasDescriptionDocument/dct:title": "T", "karstlink:hasDescriptionDocument/dc:language": "fra", "karstlink:hasDescriptionDocument/dct:creator": "https://e.org/p#A%00B"',
  '"karstlink:hasDescriptionDocument/dct:title": "T", "karstlink:hasDescriptionDocument/dc:language": "fra", "karstlink:hasDescriptionDocument/dct:creator": "https://e.org/p#New_Author"',
  '"constructor": "c", "__proto__": "p"',
  '"dct:rights/dct:created": "2024-02-30"',
  '"w3geo:latitude": ""',
  '"w3geo:latitude": true',
];

/** One row's raw JSON: a valid row (its id from a small set, so keys repeat) with one twist. */
const rowArb = fc
  .record({
    id: fc.constantFrom('agree-shared', 'agree-other', 'agree-third'),
    twist: fc.constantFrom(...TWISTS),
  })
  .map(({ id, twist }) => `${JSON.stringify(entranceRow({ id })).slice(0, -1)}, ${twist}}`);

async function post(app: TestService, token: string, path: string, rows: string[]) {
  return app
    .http()
    .post(path)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .send(`{"data": [${rows.join(',')}]}`);
}

describe('Import rows: check-rows agrees with the import on hostile rows (property)', () => {
  const suite = useTestService({ settings: { import: { chunkSize: 3 } } });

  it('classifies every line of random payloads exactly as the import then does', async function () {
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 8 }), async (rows) => {
        const { app, admin } = suite;
        const checked = await post(app, admin.token, '/api/v1/entrances/check-rows', rows);
        if (checked.status === 400) return; // a first row missing columns: import-rows answers the same 400
        assert.equal(checked.status, 200, checked.text);
        const expected = new Map<number, string>();
        // The lists hold the rows as sent: find each one's line by its place among the parsed rows.
        const parsed = JSON.parse(`[${rows.join(',')}]`).map((row: unknown) => JSON.stringify(row));
        const lineOf = (row: unknown) => parsed.indexOf(JSON.stringify(row)) + 2;
        const claim = (row: unknown, what: string) => {
          // Identical rows share a text: give each the first line not claimed yet.
          let line = lineOf(row);
          while (expected.has(line)) line = parsed.indexOf(JSON.stringify(row), line - 1) + 2;
          expected.set(line, what);
        };
        for (const row of checked.body.willBeCreated) claim(row, 'success');
        for (const row of checked.body.willBeCreatedAsDuplicates) claim(row, 'duplicate');
        for (const { line, message } of checked.body.wontBeCreated) expected.set(line, `failure: ${message}`);

        const accepted = await post(app, admin.token, '/api/v1/entrances/import-rows', rows);
        assert.equal(accepted.status, 202, accepted.text);
        await app.waitForBatch(accepted.body.batchId, admin.token);
        const imported = new Map(
          (await outcomesOf(app, accepted.body.batchId)).map((o) => [
            o.line,
            o.outcome === 'failure' ? `failure: ${o.message}` : o.outcome,
          ]),
        );
        assert.deepEqual(
          [...expected].sort(([a], [b]) => a - b),
          [...imported].sort(([a], [b]) => a - b),
        );
        // The keys of this payload exist now: clear them, so each run starts from the same database.
        await app.query(
          "UPDATE t_entrance SET is_deleted = true WHERE id_db_import LIKE 'agree-%' OR id_db_import ~ '^[0-9I]'",
        );
      }),
      { numRuns: 12, seed: 20261129 },
    );
  });
});
