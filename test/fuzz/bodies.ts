/**
 * Bodies for each route: well-formed ones with every field of the wrong type, prototype-named keys,
 * huge and deep values; and bodies that are not what the route reads at all: malformed JSON, another
 * content type, invalid UTF-8, or more bytes than the route's limit.
 */
import fc from 'fast-check';
import { csvBodies } from './csv';
import { fromRecord, type Json, obj, ref } from './json';
import type { Body, ExpectedRow } from './request';
import { IMPORT_ROUTES, type Limits, ROLES, type RouteName } from './request';
import { manyColumns, rowBatch, tooManyRows, validRow } from './rows';
import {
  deepNesting,
  edgeNumber,
  hugeString,
  invalidUtf8,
  jsonShape,
  nastyString,
  prototypeKey,
  wrongType,
} from './values';

export interface BodyCase {
  body?: Body;
  contentType?: string | null;
  rows?: readonly ExpectedRow[];
  adminStatus?: number;
}

const json = (value: Json, extra: Partial<BodyCase> = {}): BodyCase => ({
  body: { kind: 'json', json: value },
  ...extra,
});

/** `{ "data": rows }`, sometimes with prototype-named or repeated keys around it. */
const importBody: fc.Arbitrary<BodyCase> = fc
  .tuple(
    rowBatch,
    fc.constantFrom('plain', 'prototype keys', 'repeated data', 'data under __proto__'),
    prototypeKey,
  )
  .map(([cases, wrapping, key]) => {
    const data = cases.map((c) => c.row);
    const rows = cases.map(({ expect, note }, index) => ({ expect, note, line: index + 2 }));
    if (wrapping === 'prototype keys')
      return json(
        obj([
          [key, obj([['data', 1]])],
          ['data', data],
        ]),
        { rows },
      );
    if (wrapping === 'repeated data')
      return json(
        obj([
          ['data', 'first'],
          ['data', data],
        ]),
        { rows },
      );
    if (wrapping === 'data under __proto__') return json(obj([['__proto__', obj([['data', data]])]]));
    return json(obj([['data', data]]), { rows });
  });

/** A `data` that is not a non-empty array of objects. */
const wrongData: fc.Arbitrary<BodyCase> = fc
  .oneof(
    wrongType('array'),
    fc.array(fc.oneof(nastyString, edgeNumber, fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constant<Json>([]),
    validRow.map((row): Json => [row.row, 'not a row']),
  )
  .map((data) => json(obj([['data', data]])));

function importBodies(limits: Limits): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    { weight: 10, arbitrary: importBody },
    { weight: 4, arbitrary: csvBodies(limits) },
    { weight: 2, arbitrary: wrongData },
    { weight: 1, arbitrary: jsonShape(['data']).map((value) => json(value)) },
    {
      weight: 1,
      arbitrary: manyColumns(limits.maxColumns).map((data) =>
        json(obj([['data', data]]), { adminStatus: 400 }),
      ),
    },
    {
      weight: 1,
      arbitrary: tooManyRows(limits.maxRows).map((data) => json(obj([['data', data]]), { adminStatus: 413 })),
    },
    { weight: 1, arbitrary: oversized(limits.maxImportBody).map((body) => ({ body, adminStatus: 413 })) },
  );
}

const email = fc.oneof(
  fc.constantFrom(...ROLES).map((role) => ref(`email:${role}`)),
  fc.constantFrom(...ROLES).map((role) => ref(`EMAIL:${role}`)),
  fc.constantFrom('nobody@example.org', '', ' ', 'a@b', '\u0000@example.org'),
  nastyString,
  hugeString(1_000, 300_000),
  wrongType('string'),
);
const password = fc.oneof(
  fc.constantFrom(...ROLES).map((role) => ref(`password:${role}`)),
  fc.constantFrom('', 'wrong', 'password-1'),
  nastyString,
  hugeString(1_000, 300_000),
  wrongType('string'),
);

const loginBodies: fc.Arbitrary<BodyCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(email, password).map(([e, p]) =>
      json(
        obj([
          ['email', e],
          ['password', p],
        ]),
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(prototypeKey, email, password).map(([k, e, p]) =>
      json(
        obj([
          [k, e],
          ['email', e],
          ['password', p],
        ]),
      ),
    ),
  },
  { weight: 1, arbitrary: jsonShape(['email', 'password']).map((value) => json(value)) },
);

const notificationId: fc.Arbitrary<Json> = fc.oneof(
  fc.nat(20).map((i) => ref(`id:ownNotification:${i}`)),
  fc.nat(20).map((i) => ref(`id:otherNotification:${i}`)),
  fc.constantFrom<Json>(0, -1, 1.5, '1', 2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER, null, true),
  edgeNumber,
);

const markManyBodies: fc.Arbitrary<BodyCase> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(notificationId, { maxLength: 6 }).map((ids) => json(obj([['ids', ids]]))),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 990, max: 1_100 })
      .map((n) => json(obj([['ids', Array.from({ length: n }, (_, i) => i + 1)]]))),
  },
  { weight: 1, arbitrary: wrongType('array').map((ids) => json(obj([['ids', ids]]))) },
  { weight: 1, arbitrary: jsonShape(['ids']).map((value) => json(value)) },
  { weight: 1, arbitrary: fc.constant<BodyCase>({}) },
);

const preferenceBodies: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 3, arbitrary: fc.boolean().map((b) => json(fromRecord({ send_notification_by_email: b }))) },
  {
    weight: 2,
    arbitrary: wrongType('boolean').map((v) => json(fromRecord({ send_notification_by_email: v }))),
  },
  { weight: 1, arbitrary: jsonShape(['send_notification_by_email']).map((value) => json(value)) },
  {
    weight: 1,
    arbitrary: fc.tuple(prototypeKey, fc.boolean()).map(([k, b]) =>
      json(
        obj([
          [k, b],
          ['send_notification_by_email', b],
        ]),
      ),
    ),
  },
);

/** A JSON body of `bytes` bytes or more: one long string, past the route's limit. */
function oversized(limit: number): fc.Arbitrary<Body> {
  return fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('a', 'é', ' ')).map(
    ([extra, unit]): Body => ({
      kind: 'sized',
      before: '{"data":"',
      unit,
      bytes: limit + extra,
      after: '"}',
    }),
  );
}

const CONTENT_TYPES = [
  null,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'text/csv',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/vnd.api+json',
  'application/json;;;',
  '',
  'application/json',
] as const;

const MALFORMED = [
  '{"data":',
  '{"data": [}',
  "{'data': []}",
  '{"data": [1,]}',
  '{"email": "a", "password": NaN}',
  '{"a": 1} // comment',
  '\ufeff{"data": []}',
  'null',
  '"just a string"',
  '',
  ' ',
  '{"\\ud800": "\\udfff"}',
  '{"a": "\\u0000"}',
  '{"a": "\\x41"}',
  '{"a": 01}',
  '[',
  '{"__proto__": {"isAdmin": true}}',
  'id,rdf:type\nfuzz-1,karstlink:UndergroundCavity',
  'email=a%40b&password=x',
];

/** Bodies no route reads as it should: malformed JSON, other content types, invalid UTF-8, too many bytes. */
export function oddBody(limit: number): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...MALFORMED), fc.constantFrom(...CONTENT_TYPES)).map(
      ([text, contentType]): BodyCase => ({
        body: { kind: 'text', text },
        contentType: contentType ?? null,
      }),
    ),
    fc
      .tuple(jsonShape(['data', 'email', 'ids']), fc.constantFrom(...CONTENT_TYPES))
      .map(([value, contentType]): BodyCase => ({ body: { kind: 'json', json: value }, contentType })),
    fc
      .tuple(
        invalidUtf8,
        fc.constantFrom('{"email":"', '{"data":[{"id":"', '{"ids":["'),
        fc.constantFrom('"}', '"}]}', '"]}'),
      )
      .map(([bytes, before, after]): BodyCase => ({ body: { kind: 'bytes', before, bytes, after } })),
    deepNesting.map((value) =>
      json(
        obj([
          ['data', value],
          ['ids', value],
          ['email', value],
        ]),
      ),
    ),
    oversized(limit).map((body): BodyCase => ({ body })),
  );
}

/** The bodies a route is fuzzed with: mostly its own shape gone wrong, sometimes anything at all. */
export function bodiesFor(route: RouteName | 'stray', limits: Limits): fc.Arbitrary<BodyCase> {
  const isImport = (IMPORT_ROUTES as readonly string[]).includes(route);
  const odd = oddBody(isImport ? limits.maxImportBody : limits.maxBody);
  const own: Partial<Record<RouteName, fc.Arbitrary<BodyCase>>> = {
    importRows: importBodies(limits),
    checkRows: importBodies(limits),
    login: loginBodies,
    markManyRead: markManyBodies,
    setPreference: preferenceBodies,
  };
  const main = route === 'stray' ? undefined : own[route];
  if (main) return fc.oneof({ weight: 5, arbitrary: main }, { weight: 1, arbitrary: odd });
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 6, arbitrary: fc.constant<BodyCase>({}) },
    { weight: 1, arbitrary: jsonShape().map((value) => json(value)) },
    { weight: 1, arbitrary: odd },
  );
}
