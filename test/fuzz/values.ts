/**
 * Arbitraries of hostile values, whatever the route: random JSON shapes, wrong types, huge strings
 * and numbers, deep nesting, Object property names as keys, lone surrogates and NULs, invalid UTF-8.
 * Large values are built from a size (a character repeated), so they generate and shrink fast.
 */
import fc from 'fast-check';
import { type Json, obj, raw } from './json';

/** Keys every JavaScript object inherits: a body or a row must treat them as plain keys. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'isPrototypeOf',
] as const;

export const prototypeKey = fc.constantFrom(...PROTOTYPE_KEYS);

/** A string repeated to a length: 1 kB to `max` characters. */
export function hugeString(min = 1_000, max = 200_000): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('a', '9', ' ', '\u0000', 'é', '😀', '\ud800', '"', '\\', '-'),
      fc.integer({ min, max }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));
}

/** Strings a careless or hostile client sends: broken UTF-16, NULs, controls, paths, markup, SQL. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\ud83dy',
    '\ufffd',
    '\ufeff',
    '\u202e',
    '../../etc/passwd',
    '%00',
    '%zz',
    "'; DROP TABLE t_entrance; --",
    '<script>alert(1)</script>',
    '\u0024{7*7}',
    '{{7*7}}',
    'null',
    'undefined',
    'NaN',
    'Infinity',
    '-0',
    '1e999',
    '0x10',
    '😀'.repeat(300),
    '\r\n\t',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u0001', '\u007f'), maxLength: 20 }),
  prototypeKey,
);

/** Numbers at the edges: unsafe integers, doubles that overflow, and raw literals no double holds. */
export const edgeNumber: fc.Arbitrary<Json> = fc
  .oneof(
    fc.constantFrom<Json>(
      0,
      -1,
      1.5,
      -0.5,
      2_147_483_647,
      2_147_483_648,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      1e21,
      -1e308,
      Number.MIN_VALUE,
    ),
    fc.constantFrom('1e400', '-1e400', '-0', '1E+2', '0.0000000000000000000000001', '1.0'),
    fc.integer({ min: 20, max: 5000 }).map((digits) => `9${'0'.repeat(digits)}`),
  )
  .map((value) => (typeof value === 'string' ? raw(value) : value));

/** JSON nested deeper than a recursive reader survives: arrays or objects, 100 to 200,000 levels. */
export const deepNesting: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom('array', 'object', 'mixed'), fc.integer({ min: 100, max: 150_000 }))
  .map(([kind, depth]) => {
    if (kind === 'array') return raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    if (kind === 'object') return raw(`${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`);
    return raw(`${'[{"__proto__":'.repeat(depth)}"\\u0000"${'}]'.repeat(depth)}`);
  });

export const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  edgeNumber,
  fc.string({ maxLength: 20 }),
  nastyString,
);

/** A key of a random object: a route's own field names, Object's, or anything. */
export function keyOf(fields: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fields.length ? fc.constantFrom(...fields) : fc.string() },
    { weight: 2, arbitrary: prototypeKey },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: nastyString },
  );
}

/** Random JSON trees (objects, arrays, scalars, null), with keys drawn from `fields`. */
export function jsonShape(fields: readonly string[] = [], maxDepth = 4): fc.Arbitrary<Json> {
  const { tree } = fc.letrec<{ tree: Json }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth },
      { weight: 4, arbitrary: scalar },
      { weight: 1, arbitrary: fc.array(tie('tree'), { maxLength: 5 }) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.tuple(keyOf(fields), tie('tree')), { maxLength: 5 })
          .map((entries): Json => obj(entries)),
      },
    ),
  }));
  return tree;
}

/** A value of any type but `expected`: what a client sends when it gets a field's type wrong. */
export function wrongType(
  expected: 'string' | 'number' | 'boolean' | 'array' | 'object',
): fc.Arbitrary<Json> {
  const all: Record<typeof expected, fc.Arbitrary<Json>> = {
    string: fc.oneof(fc.string({ maxLength: 10 }), nastyString),
    number: fc.oneof(fc.integer(), edgeNumber),
    boolean: fc.boolean(),
    array: fc.array(scalar, { maxLength: 4 }),
    object: jsonShape([], 2).filter((json) => json !== null && typeof json === 'object' && 'obj' in json),
  };
  const others = (Object.keys(all) as (typeof expected)[]).filter((type) => type !== expected);
  return fc.oneof(fc.constant(null), ...others.map((type) => all[type]), deepNesting);
}

/** Bytes that are not valid UTF-8: lone continuation bytes, overlong forms, encoded surrogates, cut sequences. */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    fc.constantFrom(
      [0xff],
      [0xfe, 0xff],
      [0x80],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0x00],
    ),
    fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 8 }),
  )
  .map((bytes) => Uint8Array.from(bytes));
