/**
 * Karstlink rows for the import routes: valid-looking rows from `entranceRow()`, some with harmless
 * variations (numbers as numbers, Object property names as extra columns, optional columns left
 * out), and some with exactly one field broken so that SPEC 6 / 14 says the row must fail: wrong
 * type, too long, bad number, bad date, unknown country or language, an object or array cell, a
 * NUL or lone surrogate, a missing mandatory column, an incomplete document.
 */
import fc from 'fast-check';
import { COLUMNS, MANDATORY_COLUMNS, maxLengthOf } from '../../api/lib/rows/columns';
import { entranceRow } from '../support/rows';
import { fromRecord, type Json, obj } from './json';
import { deepNesting, jsonShape, nastyString, PROTOTYPE_KEYS, prototypeKey, scalar } from './values';

/** What SPEC 6 says must become of a row: any outcome is fine for rows it says nothing about. */
export type RowExpectation = 'imported' | 'failure' | 'any';

export interface RowCase {
  row: Json;
  expect: RowExpectation;
  /** The field that was broken or varied, for the counterexample. */
  note: string;
}

/** Codes no reference table holds (checked against the database when the fuzzer starts). */
export const UNKNOWN_COUNTRIES = ['ZZ', 'QQ', 'AA', 'OO', 'FRA', 'F', '33', 'ＦＲ', 'FR-'] as const;
export const UNKNOWN_LANGUAGES = ['zzz', 'qqq', 'xx', 'french', 'fr-FR', '123', 'ｆｒａ', 'fra;'] as const;

type Cells = Map<string, Json>;
type Change = (cells: Cells) => void;

const set =
  (column: string, value: Json): Change =>
  (cells) => {
    cells.set(column, value);
  };

const toJson = (cells: Cells): Json => obj([...cells.entries()]);

/** A fresh valid row; ids come from a small space so that later batches meet them again (duplicates). */
const baseRow = fc.integer({ min: 0, max: 400 }).map((n): Cells => {
  const row = entranceRow({ id: `fuzz-${n}` });
  return new Map(Object.entries(row));
});

const DESCRIPTION: Record<string, string> = {
  [COLUMNS.descriptionTitle]: 'Description',
  [COLUMNS.descriptionBody]: 'A pit, then a meander.',
  [COLUMNS.descriptionLanguage]: 'fra',
  [COLUMNS.descriptionCreator]: 'https://example.org/cavers#Jean_Dupont',
};
const ACCESS: Record<string, string> = {
  [COLUMNS.accessBody]: 'Follow the path.',
  [COLUMNS.accessLanguage]: 'eng',
  [COLUMNS.accessCreator]: 'Marie Curie',
};
const addAll =
  (record: Record<string, string>): Change =>
  (cells) => {
    for (const [column, value] of Object.entries(record)) cells.set(column, value);
  };

const NUMBER_COLUMNS = [
  COLUMNS.altitude,
  COLUMNS.precision,
  COLUMNS.length,
  COLUMNS.verticalExtend,
  COLUMNS.extendBelowEntrance,
  COLUMNS.extendAboveEntrance,
];
const LIMITED_COLUMNS = [
  COLUMNS.id,
  COLUMNS.attributionName,
  COLUMNS.label,
  COLUMNS.alternateName,
  COLUMNS.latitude,
  COLUMNS.longitude,
  COLUMNS.countryCode,
  COLUMNS.licenseType,
  ...NUMBER_COLUMNS,
];
const ANY_COLUMN = fc.oneof(
  fc.constantFrom(...MANDATORY_COLUMNS, ...LIMITED_COLUMNS, 'notes'),
  prototypeKey,
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** Changes after which the row must still be imported (as a success or a duplicate). */
const harmless: fc.Arbitrary<[string, Change[]]> = fc.oneof(
  fc.constant<[string, Change[]]>(['plain', []]),
  fc
    .tuple(prototypeKey, fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)))
    .map(([key, value]): [string, Change[]] => [`column ${key}`, [set(key, value)]]),
  fc.constant<[string, Change[]]>([
    'numbers as numbers',
    [set(COLUMNS.latitude, 45.5), set(COLUMNS.altitude, 1200)],
  ]),
  fc.constant<[string, Change[]]>([
    'codes in other cases',
    [set(COLUMNS.countryCode, ' fr '), set(COLUMNS.labelLanguage, 'FR')],
  ]),
  fc.constant<[string, Change[]]>(['64-character latitude', [set(COLUMNS.latitude, `45.${'1'.repeat(61)}`)]]),
  fc.constant<[string, Change[]]>(['200 emoji label', [set(COLUMNS.label, '🦇'.repeat(200))]]),
  fc.constant<[string, Change[]]>(['documents', [addAll(DESCRIPTION), addAll(ACCESS)]]),
  fc
    .subarray([COLUMNS.altitude, COLUMNS.precision, COLUMNS.created, COLUMNS.label, COLUMNS.length])
    .map((columns): [string, Change[]] => [
      `without ${columns.join(',')}`,
      columns.map((column) => (cells: Cells) => void cells.delete(column)),
    ]),
);

const cutOrBlank = fc.constantFrom<Json | undefined>(undefined, '', '   ', null);
const nonFlat: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>([45.5], [], obj([]), obj([['toString', 1]]), ['a\u0000b'], obj([['__proto__', 'x']])),
  jsonShape([], 3).filter((json) => json !== null && typeof json === 'object' && !('raw' in json)),
  deepNesting,
);
const BAD_DECIMALS = [
  'abc',
  '1e3',
  '0x10',
  'Infinity',
  'NaN',
  '45,5',
  '--1',
  '+-1',
  '.',
  '4 5',
  '٤٥',
  '45.5.5',
];

/** One broken field: the row must fail with a message. */
const broken: fc.Arbitrary<[string, Change[]]> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...MANDATORY_COLUMNS), cutOrBlank)
    .map(([column, value]): [string, Change[]] => [
      `mandatory ${column} = ${JSON.stringify(value)}`,
      [(cells) => (value === undefined ? cells.delete(column) : cells.set(column, value))],
    ]),
  fc
    .tuple(ANY_COLUMN, nonFlat)
    .map(([column, value]): [string, Change[]] => [`${column} not flat`, [set(column, value)]]),
  fc
    .tuple(
      fc.constantFrom(COLUMNS.latitude, COLUMNS.longitude),
      fc.oneof(
        fc.constantFrom<Json>(...BAD_DECIMALS, '180.5', '-181', '1000', 1e21, -1e300, 181, true),
        fc.integer({ min: 181, max: 1e9 }).map(String),
      ),
    )
    .map(([column, value]): [string, Change[]] => [`${column} = ${String(value)}`, [set(column, value)]]),
  fc
    .constantFrom('90.0001', '-91', 91, '-90.5')
    .map((value): [string, Change[]] => [`latitude ${value}`, [set(COLUMNS.latitude, value)]]),
  fc
    .constantFrom<Json>(...UNKNOWN_COUNTRIES, true, 33)
    .map((value): [string, Change[]] => [`country ${String(value)}`, [set(COLUMNS.countryCode, value)]]),
  fc
    .tuple(fc.constantFrom<Json>(...UNKNOWN_LANGUAGES, false, 1), fc.boolean())
    .map(([value, inDescription]): [string, Change[]] =>
      inDescription
        ? [
            `description language ${String(value)}`,
            [addAll(DESCRIPTION), set(COLUMNS.descriptionLanguage, value)],
          ]
        : [`label language ${String(value)}`, [set(COLUMNS.labelLanguage, value)]],
    ),
  fc
    .tuple(
      fc.constantFrom(COLUMNS.created, COLUMNS.modified),
      fc.constantFrom<Json>(
        '2024-02-30',
        '2024-13-01',
        '2023-02-29',
        '24-01-01',
        '2024/01/01',
        '2024-1-1',
        'yesterday',
      ),
    )
    .map(([column, value]): [string, Change[]] => [`${column} = ${String(value)}`, [set(column, value)]]),
  fc
    .tuple(
      fc.constantFrom(...NUMBER_COLUMNS),
      fc.constantFrom<Json>(
        '12.5',
        'abc',
        '1e3',
        '0x10',
        '2147483648',
        '-2147483649',
        1.5,
        '1,000',
        true,
        9e15,
      ),
    )
    .map(([column, value]): [string, Change[]] => [`${column} = ${String(value)}`, [set(column, value)]]),
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...LIMITED_COLUMNS), fc.constant('notes')),
      fc.integer({ min: 1, max: 2000 }),
      fc.constantFrom('x', '🦇', '9'),
    )
    .map(([column, extra, unit]): [string, Change[]] => [
      `${column} too long`,
      [set(column, unit.repeat(maxLengthOf(column) + extra))],
    ]),
  fc
    .tuple(ANY_COLUMN, fc.constantFrom('a\u0000b', '\ud800', 'x\udc00y', '\ufffd'))
    .map(([column, value]): [string, Change[]] => [
      `${column} with ${JSON.stringify(value)}`,
      [
        (cells) => {
          const before = cells.get(column);
          cells.set(column, typeof before === 'string' && before.length < 60 ? `${before}${value}` : value);
        },
      ],
    ]),
  fc.constantFrom<[string, Change[]]>(
    [
      'description without creator',
      [set(COLUMNS.descriptionTitle, 'Title'), set(COLUMNS.descriptionLanguage, 'fra')],
    ],
    ['access without language', [set(COLUMNS.accessBody, 'Path'), set(COLUMNS.accessCreator, 'Someone')]],
    [
      'creator with an empty fragment',
      [addAll(DESCRIPTION), set(COLUMNS.descriptionCreator, 'https://example.org/#___')],
    ],
    [
      'depth past int4',
      [
        (cells) => void cells.delete(COLUMNS.verticalExtend),
        set(COLUMNS.extendBelowEntrance, '2000000000'),
        set(COLUMNS.extendAboveEntrance, '2000000000'),
      ],
    ],
  ),
);

/** Extra columns SPEC 6 says nothing about (odd names, odd flat values): any outcome, but exactly one. */
const unusual: fc.Arbitrary<[string, Change[]]> = fc
  .array(fc.tuple(fc.oneof(nastyString, prototypeKey), scalar), { minLength: 1, maxLength: 4 })
  .map((cells): [string, Change[]] => [
    `columns ${cells.map(([key]) => JSON.stringify(key)).join(', ')}`,
    cells.map(([key, value]) => set(key, value)),
  ]);

function rowWith(changes: fc.Arbitrary<[string, Change[]]>, expect: RowExpectation): fc.Arbitrary<RowCase> {
  return fc.tuple(baseRow, changes).map(([cells, [note, apply]]): RowCase => {
    const copy = new Map(cells);
    for (const change of apply) change(copy);
    return { row: toJson(copy), expect, note };
  });
}

export const validRow = rowWith(harmless, 'imported');
export const brokenRow = rowWith(broken, 'failure');
export const unusualRow = rowWith(unusual, 'any');

/** 1 to 30 rows, mostly broken ones, in any order. */
export const rowBatch: fc.Arbitrary<RowCase[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: validRow },
    { weight: 5, arbitrary: brokenRow },
    { weight: 1, arbitrary: unusualRow },
  ),
  { minLength: 1, maxLength: 30 },
);

/** Rows that carry more distinct columns than `maxColumns`: one wide row or many narrow ones. */
export function manyColumns(maxColumns: number): fc.Arbitrary<Json[]> {
  return fc
    .tuple(fc.integer({ min: maxColumns + 1, max: 5_000 }), fc.integer({ min: 1, max: 50 }), prototypeKey)
    .map(([columns, rows, key]) => {
      const first = fromRecord(entranceRow());
      const extra = Array.from({ length: rows }, (_, r) =>
        fromRecord(
          Object.fromEntries(
            Array.from({ length: Math.ceil(columns / rows) }, (_, c) => [`${key}:${r}:${c}`, 'v'] as const),
          ),
        ),
      );
      return [first, ...extra];
    });
}

/** A valid first row, then enough empty rows to pass `maxRows`. */
export function tooManyRows(maxRows: number): fc.Arbitrary<Json[]> {
  return fc
    .integer({ min: 1, max: 50 })
    .map((extra) => [
      fromRecord(entranceRow()),
      ...Array.from({ length: maxRows + extra - 1 }, () => obj([])),
    ]);
}

export { PROTOTYPE_KEYS };
