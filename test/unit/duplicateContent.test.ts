import assert from 'node:assert/strict';
import { InvalidInputError } from '../../api/lib/core/errors';
import { duplicateContent } from '../../api/lib/pipeline/duplicateContent';
import { readDuplicateContent } from '../../api/lib/pipeline/duplicateContentReader';
import type { ReferenceData } from '../../api/lib/rows/referenceData';
import { convertRow, type EntranceRecord } from '../../api/lib/rows/rowConversion';
import { entranceRow } from '../support/rows';

const reference: ReferenceData = {
  countries: new Set(['FR']),
  languages: new Map([
    ['fra', 'fra'],
    ['eng', 'eng'],
  ]),
  licenses: new Map([['cc by sa', 1]]),
};

function record(overrides: Record<string, string | undefined>): EntranceRecord {
  const result = convertRow(entranceRow(overrides), 2, reference);
  if (!result.ok) throw new Error(result.message);
  return result.record;
}

describe('Entrance duplicates: content in Grottocenter shape', () => {
  const importedAt = new Date('2025-01-02T03:04:05.006Z');

  it('writes what a resolution reads back: every part, authors by id or by nickname', () => {
    const row = record({
      id: 'unit-1',
      'gn:alternateName': 'Alt',
      'dct:rights/dct:created': undefined,
      'karstlink:hasDescriptionDocument/dct:title': 'T',
      'karstlink:hasDescriptionDocument/dc:language': 'eng',
      'karstlink:hasDescriptionDocument/dct:creator': 'Known',
      'karstlink:hasAccessDocument/dct:description': 'Way in',
      'karstlink:hasAccessDocument/dc:language': 'fra',
      'karstlink:hasAccessDocument/dct:creator': 'Stranger',
    });
    const content = duplicateContent(row, { caveId: 12, authorIds: new Map([['Known', 7]]), importedAt });
    assert.equal(content.entrance.dateInscription, importedAt.toISOString());
    assert.equal(content.entrance.cave, 12);
    assert.deepEqual([content.entrance.author, content.entrance.authorNickname], [7, 'Known']);
    assert.deepEqual(content.nameDescLoc.location?.author, null);
    // Through JSON, as the database stores it.
    const read = readDuplicateContent(1, JSON.parse(JSON.stringify(content)));
    assert.deepEqual(read.author, { id: 7, nickname: 'Known' });
    assert.deepEqual(read.location, {
      author: { id: null, nickname: 'Stranger' },
      title: null,
      body: 'Way in',
      language: 'fra',
      license: 1,
    });
    assert.deepEqual(read.description?.title, 'T');
    assert.deepEqual(read.alternateName?.text, 'Alt');
    assert.deepEqual(
      [read.latitude, read.longitude, read.caveLength, read.caveDepth],
      [45.123456, 5.654321, 350, 120],
    );
  });

  it("reads Grottocenter's own contents (numbers as text, ids only) and refuses what cannot make an entrance", () => {
    const grottocenter = {
      entrance: {
        author: 3,
        country: 'fr',
        latitude: '45.5',
        longitude: '6',
        precision: '10',
        altitude: null,
      },
      nameDescLoc: { name: { author: 3, text: 'Grotte', language: 'fra' } },
    };
    const read = readDuplicateContent(5, grottocenter);
    assert.deepEqual([read.country, read.latitude, read.longitude, read.precision], ['FR', 45.5, 6, 10]);
    assert.deepEqual(read.name, { author: { id: 3, nickname: null }, text: 'Grotte', language: 'fra' });

    const refused: [unknown, string][] = [
      [{}, 'no entrance'],
      [{ entrance: { author: 3, longitude: 1 } }, 'no latitude'],
      [{ entrance: { author: 3, latitude: 'north', longitude: 1 } }, 'an invalid latitude (north)'],
      [{ entrance: { latitude: 1, longitude: 1 } }, 'no author for the entrance'],
    ];
    for (const [content, why] of refused) {
      assert.throws(
        () => readDuplicateContent(5, content),
        (error: unknown) =>
          error instanceof InvalidInputError &&
          error.message === `The content of entrance duplicate 5 cannot make an entrance: it has ${why}.`,
      );
    }
  });
});
