/**
 * The benchmark's rows: realistic Karstlink rows, 85 % with a fresh import key and 15 % repeating an
 * earlier key of the same set, so an import of N rows ends with 0.85 N successes, 0.15 N duplicates
 * and no failure. The same rows go out as JSON (`{ data: [...] }`) or as a CSV file on disk.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

export type BenchRow = Record<string, string>;

export const FRESH_SHARE = 0.85;

/** What an import of `count` rows must end with. */
export function expectedOutcomes(count: number): { successes: number; duplicates: number; failures: number } {
  const successes = Math.round(count * FRESH_SHARE);
  return { successes, duplicates: count - successes, failures: 0 };
}

/** The Karstlink columns the rows fill, in file order. */
export const HEADER: readonly string[] = [
  'id',
  'rdf:type',
  'dct:rights/cc:attributionName',
  'dct:rights/karstlink:licenseType',
  'dct:rights/dct:created',
  'gn:countryCode',
  'w3geo:latitude',
  'w3geo:longitude',
  'w3geo:altitude',
  'rdfs:label',
  'rdfs:label/dc:language',
  'karstlink:length',
  'karstlink:hasDescriptionDocument/dct:title',
  'karstlink:hasDescriptionDocument/dct:description',
  'karstlink:hasDescriptionDocument/dc:language',
  'karstlink:hasDescriptionDocument/dct:creator',
];

/** Row `i` of a set of `count` rows whose keys start with `prefix`. */
export function benchRow(prefix: string, i: number, count: number): BenchRow {
  const fresh = expectedOutcomes(count).successes;
  const key = i < fresh ? i : (i * 7919) % fresh; // repeats point back at earlier keys
  return {
    id: `${prefix}-${key}`,
    'rdf:type': 'karstlink:UndergroundCavity',
    'dct:rights/cc:attributionName': 'Benchmark Caving Club',
    'dct:rights/karstlink:licenseType': 'CC-BY-SA',
    'dct:rights/dct:created': '2024-01-15',
    'gn:countryCode': ['FR', 'ES', 'CH', 'IT'][key % 4],
    'w3geo:latitude': (40 + (key % 1000) / 100).toFixed(5),
    'w3geo:longitude': (2 + (key % 500) / 100).toFixed(5),
    'w3geo:altitude': String(500 + (key % 2000)),
    'rdfs:label': `Gouffre ${key}`,
    'rdfs:label/dc:language': 'fra',
    'karstlink:length': String(100 + (key % 5000)),
    'karstlink:hasDescriptionDocument/dct:title': `Description ${key}`,
    // A comma, so that a CSV file quotes it as a real export would.
    'karstlink:hasDescriptionDocument/dct:description': 'A pit, followed by a meander and a large chamber.',
    'karstlink:hasDescriptionDocument/dc:language': 'fra',
    'karstlink:hasDescriptionDocument/dct:creator': `https://example.org/cavers#Author_${key % 50}`,
  };
}

export function makeRows(prefix: string, count: number): BenchRow[] {
  return Array.from({ length: count }, (_, i) => benchRow(prefix, i, count));
}

/** Writes the header and `count` rows to `file` as UTF-8 CSV (RFC 4180 quoting), never holding them all. */
export async function writeCsvFile(file: string, prefix: string, count: number): Promise<number> {
  const out = createWriteStream(file);
  const csv = stringify({ header: true, columns: [...HEADER] });
  csv.pipe(out);
  for (let i = 0; i < count; i++) {
    if (!csv.write(benchRow(prefix, i, count))) await once(csv, 'drain');
  }
  csv.end();
  await finished(out);
  return out.bytesWritten;
}
