import assert from 'node:assert/strict';
import { neutraliseFormula } from '../../api/lib/reports/csvReports';
import {
  importKey,
  importKeyOf,
  MANDATORY_COLUMNS,
  missingColumns,
  storableRow,
} from '../../api/lib/rows/columns';
import type { ReferenceData } from '../../api/lib/rows/referenceData';
import { convertRow, creatorNickname } from '../../api/lib/rows/rowConversion';
import { entranceRow, withoutColumns } from '../support/rows';

const reference: ReferenceData = {
  countries: new Set(['FR', 'ES', 'CH']),
  languages: new Map([
    ['fra', 'fra'],
    ['fr', 'fra'],
    ['eng', 'eng'],
    ['spa', 'spa'],
  ]),
  licenses: new Map([['cc by sa', 1]]),
};

function failure(row: Record<string, unknown>): string {
  const result = convertRow(row, 2, reference);
  assert.equal(result.ok, false, 'expected a failure');
  return (result as { message: string }).message;
}

describe('CSVImportQueueService: row conversion', () => {
  it('converts a complete row', () => {
    const result = convertRow(
      entranceRow({
        id: 'abc',
        'gn:countryCode': 'fr',
        'gn:alternateName': 'Trou du vent',
        'karstlink:hasDescriptionDocument/dct:title': 'History',
        'karstlink:hasDescriptionDocument/dct:description': 'Discovered in 1950.',
        'karstlink:hasDescriptionDocument/dc:language': 'fr',
        'karstlink:hasDescriptionDocument/dct:creator': 'https://example.org/cavers#Jean_Dupont',
        'karstlink:hasAccessDocument/dct:description': 'Follow the path.',
        'karstlink:hasAccessDocument/dc:language': 'eng',
        'karstlink:hasAccessDocument/dct:creator': 'Marie Curie',
      }),
      7,
      reference,
    );
    assert.ok(result.ok);
    const record = result.record;
    assert.equal(record.line, 7);
    assert.equal(record.key, importKeyOf('abc', 'Test Caving Club'));
    assert.equal(record.country, 'FR');
    assert.equal(record.latitude, 45.123456);
    assert.equal(record.altitude, 1200);
    assert.equal(record.caveDepth, 120);
    assert.equal(record.licenseId, 1);
    assert.equal(record.author, 'Jean Dupont', 'the description creator is the author');
    assert.deepEqual(record.description, {
      title: 'History',
      body: 'Discovered in 1950.',
      language: 'fra',
      author: 'Jean Dupont',
    });
    assert.deepEqual(record.location, { body: 'Follow the path.', language: 'eng', author: 'Marie Curie' });
    assert.equal(record.alternateName, 'Trou du vent');
  });

  it('uses the attribution name as author without a description, and sums the extents for the depth', () => {
    const result = convertRow(
      entranceRow({
        'karstlink:verticalExtend': undefined,
        'karstlink:extendBelowEntrance': '80',
        'karstlink:extendAboveEntrance': '15',
      }),
      2,
      reference,
    );
    assert.ok(result.ok);
    assert.equal(result.record.author, 'Test Caving Club');
    assert.equal(result.record.caveDepth, 95);
  });

  it('lists every missing mandatory column, blank cells included', () => {
    const row = withoutColumns(entranceRow({ 'w3geo:latitude': '   ' }), 'gn:countryCode', 'rdf:type');
    assert.equal(failure(row), 'Columns missing: rdf:type,gn:countryCode,w3geo:latitude');
    assert.deepEqual(missingColumns({}), [...MANDATORY_COLUMNS]);
  });

  it('makes the document columns mandatory once the document is present', () => {
    const description = entranceRow({ 'karstlink:hasDescriptionDocument/dct:title': 'T' });
    assert.equal(
      failure(description),
      'Columns missing: karstlink:hasDescriptionDocument/dct:creator,karstlink:hasDescriptionDocument/dc:language',
    );
    const access = entranceRow({ 'karstlink:hasAccessDocument/dct:description': 'Go left' });
    assert.equal(
      failure(access),
      'Columns missing: karstlink:hasAccessDocument/dc:language,karstlink:hasAccessDocument/dct:creator',
    );
  });

  it('gives the message of SPEC 6 for each invalid value', () => {
    assert.equal(failure(entranceRow({ 'w3geo:latitude': '91' })), 'Invalid latitude: 91');
    assert.equal(failure(entranceRow({ 'w3geo:latitude': 'north' })), 'Invalid latitude: north');
    assert.equal(failure(entranceRow({ 'w3geo:longitude': '-180.5' })), 'Invalid longitude: -180.5');
    assert.equal(failure(entranceRow({ 'gn:countryCode': 'XX' })), 'Unknown country code: XX');
    assert.equal(failure(entranceRow({ 'rdfs:label/dc:language': 'klingon' })), 'Unknown language: klingon');
    assert.equal(
      failure(entranceRow({ 'dct:rights/dct:created': '2024-02-30' })),
      'Invalid date in dct:rights/dct:created: 2024-02-30',
    );
    assert.equal(
      failure(entranceRow({ 'dct:rights/dct:modified': '01/02/2024' })),
      'Invalid date in dct:rights/dct:modified: 01/02/2024',
    );
    assert.equal(failure(entranceRow({ id: 'x'.repeat(101) })), 'id is too long (max 100 characters)');
    assert.equal(
      failure(entranceRow({ 'dct:rights/cc:attributionName': 'é'.repeat(201) })),
      'dct:rights/cc:attributionName is too long (max 200 characters)',
    );
    assert.equal(
      failure(entranceRow({ 'w3geo:altitude': '12.5' })),
      'Invalid integer in w3geo:altitude: 12.5',
    );
    assert.equal(
      failure(entranceRow({ 'karstlink:length': '99999999999' })),
      'Invalid integer in karstlink:length: 99999999999',
    );
  });

  it('reads numbers in plain decimal notation only', () => {
    assert.equal(failure(entranceRow({ 'w3geo:latitude': '0x10' })), 'Invalid latitude: 0x10');
    assert.equal(failure(entranceRow({ 'w3geo:longitude': '1e2' })), 'Invalid longitude: 1e2');
    assert.equal(failure(entranceRow({ 'w3geo:latitude': 'Infinity' })), 'Invalid latitude: Infinity');
    assert.equal(failure(entranceRow({ 'w3geo:altitude': '1e3' })), 'Invalid integer in w3geo:altitude: 1e3');
    const spreadsheet = convertRow(
      entranceRow({ 'w3geo:altitude': '1200.0', 'w3geo:latitude': '-.5' }),
      2,
      reference,
    );
    assert.ok(spreadsheet.ok);
    assert.equal(spreadsheet.record.altitude, 1200);
    assert.equal(spreadsheet.record.latitude, -0.5);
  });

  it('fails a depth whose two extents add up past the integer range', () => {
    const row = entranceRow({
      'karstlink:verticalExtend': undefined,
      'karstlink:extendBelowEntrance': '2000000000',
      'karstlink:extendAboveEntrance': '2000000000',
    });
    assert.equal(
      failure(row),
      'Invalid integer in karstlink:extendBelowEntrance + karstlink:extendAboveEntrance: 4000000000',
    );
  });

  it('fails a row with a cell that had to be repaired for storage', () => {
    assert.equal(
      failure(entranceRow({ 'rdfs:label': 'Grotte\uFFFD' })),
      'Invalid character in rdfs:label: Grotte\uFFFD',
    );
  });

  it('keeps import keys apart that a separator would merge', () => {
    assert.notEqual(importKeyOf('a|||b', 'c'), importKeyOf('a', 'b|||c'));
    assert.equal(
      importKey(entranceRow({ id: 'x', 'dct:rights/cc:attributionName': 'y' })),
      importKeyOf('x', 'y'),
    );
  });

  it('counts characters, not bytes, against the length limits', () => {
    assert.ok(convertRow(entranceRow({ id: '洞'.repeat(100) }), 2, reference).ok);
  });

  it('reads a creator URL as its fragment, with underscores as spaces', () => {
    assert.equal(creatorNickname('https://ark.example.org/people#Jean_Paul_Dupont'), 'Jean Paul Dupont');
    assert.equal(creatorNickname('Jean_Dupont'), 'Jean_Dupont');
    assert.equal(creatorNickname('https://example.org/people/42'), 'https://example.org/people/42');
    assert.equal(creatorNickname('https://example.org/people#Jos%C3%A9_D'), 'José D');
    assert.equal(creatorNickname('https://example.org/people#100%_sure'), '100% sure');
    assert.equal(creatorNickname('https://example.org/people#__'), null);
    const row = entranceRow({
      'karstlink:hasDescriptionDocument/dct:title': 'T',
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
      'karstlink:hasDescriptionDocument/dct:creator': 'https://example.org/people#__',
    });
    assert.equal(
      failure(row),
      'Invalid creator in karstlink:hasDescriptionDocument/dct:creator: https://example.org/people#__',
    );
  });

  it('fails a cell that is not text, a number, a boolean or null, whatever its column', () => {
    for (const value of [{}, { toString: 1 }, [45.5], [], [[['deep']]]]) {
      assert.equal(
        failure({ ...entranceRow(), 'w3geo:latitude': value }),
        'w3geo:latitude must be text or a number',
      );
      assert.equal(failure({ ...entranceRow(), id: value }), 'id must be text or a number');
      assert.equal(failure({ ...entranceRow(), extra: value }), 'extra must be text or a number');
    }
    const numbers = convertRow(
      { ...entranceRow(), 'w3geo:latitude': 45.5, 'w3geo:altitude': 1200, note: true },
      2,
      reference,
    );
    assert.ok(numbers.ok);
    assert.equal(numbers.record.latitude, 45.5);
    assert.equal(
      importKey({ ...entranceRow(), id: { toString: () => 'x' } }),
      undefined,
      'no key from an object',
    );
    assert.deepEqual(missingColumns({ ...entranceRow(), id: {} }), [], 'an object is not a blank cell');
  });

  it('limits every cell before parsing it: 64 characters for numbers, coordinates, dates and codes', () => {
    assert.equal(
      failure(entranceRow({ 'w3geo:latitude': `4${'0'.repeat(64)}` })),
      'w3geo:latitude is too long (max 64 characters)',
    );
    assert.equal(
      failure(entranceRow({ 'w3geo:latitude': `${'1'.repeat(400_000)}x` })),
      'w3geo:latitude is too long (max 64 characters)',
    );
    assert.equal(
      failure(entranceRow({ 'karstlink:hasAccessDocument/dct:description': 'a'.repeat(32_769) })),
      'karstlink:hasAccessDocument/dct:description is too long (max 32768 characters)',
    );
    assert.equal(
      failure(entranceRow({ notes: 'n'.repeat(32_769) })),
      'notes is too long (max 32768 characters)',
    );
    assert.ok(
      convertRow(entranceRow({ 'w3geo:latitude': `  ${'1'.repeat(2)}.${'5'.repeat(60)}  ` }), 2, reference)
        .ok,
    );
  });

  it('decides on a long run of digits in linear time, in conversion and in the report formula check', () => {
    // A backtracking pattern takes minutes on these; a linear one, microseconds. Mocha's timeout is the judge.
    const digits = '1'.repeat(200_000);
    assert.equal(neutraliseFormula(`+${digits}x`), `'+${digits}x`);
    assert.equal(neutraliseFormula(`-${digits}`), `-${digits}`);
    assert.equal(neutraliseFormula(`-${digits}.${digits}e5`), `-${digits}.${digits}e5`);
    assert.equal(neutraliseFormula({ nested: true }), '', 'a cell that is not a flat value is written empty');
  });

  it('treats Object property names as plain columns', () => {
    const row = JSON.parse(
      `{"__proto__": "p", "constructor": "c", "toString": "t", ${JSON.stringify(entranceRow()).slice(1)}`,
    );
    assert.ok(convertRow(row, 2, reference).ok);
    const stored = storableRow({ ...row, name: 'nul\u0000' });
    assert.equal(Object.getPrototypeOf(stored), Object.prototype);
    assert.deepEqual(Object.keys(stored).slice(0, 3), ['__proto__', 'constructor', 'toString']);
    assert.equal(
      Object.getOwnPropertyDescriptor(stored, '__proto__')?.value,
      'p',
      'an own column, not the prototype',
    );
    assert.deepEqual(missingColumns({ ...entranceRow(), constructor: undefined }), []);
  });

  it('stores a cell that is not a flat value as an empty object, whatever it held', () => {
    const stored = storableRow({ ...entranceRow(), id: ['a\u0000', { deep: [1] }] });
    assert.deepEqual(stored.id, {});
    assert.equal(failure(stored), 'id must be text or a number');
  });

  it('reads a JSON number as written (0.0000001, not 1e-7), and stages a number JSON cannot hold as its text', () => {
    const tiny = convertRow(
      { ...entranceRow(), 'w3geo:latitude': 0.0000001, 'w3geo:altitude': 1e21 },
      2,
      reference,
    );
    assert.equal(tiny.ok, false);
    assert.equal(
      (tiny as { message: string }).message,
      'Invalid integer in w3geo:altitude: 1000000000000000000000',
    );
    assert.ok(convertRow({ ...entranceRow(), 'w3geo:latitude': 0.0000001 }, 2, reference).ok);
    const infinite = storableRow({ ...entranceRow(), 'w3geo:latitude': Number.POSITIVE_INFINITY });
    assert.equal(infinite['w3geo:latitude'], 'Infinity');
    assert.equal(failure(infinite), 'Invalid latitude: Infinity');
  });

  it('refuses a creator whose percent-decoded name holds a control character', () => {
    assert.equal(creatorNickname('https://example.org/p#A%00B'), null);
    assert.equal(creatorNickname('https://example.org/p#Tab%09Name'), null);
    const row = entranceRow({
      'karstlink:hasDescriptionDocument/dct:title': 'T',
      'karstlink:hasDescriptionDocument/dc:language': 'fra',
      'karstlink:hasDescriptionDocument/dct:creator': 'https://example.org/p#A%00B',
    });
    assert.equal(
      failure(row),
      'Invalid creator in karstlink:hasDescriptionDocument/dct:creator: https://example.org/p#A%00B',
    );
  });
});
