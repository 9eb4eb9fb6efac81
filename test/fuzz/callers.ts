/**
 * Who calls and with which headers: nobody, a User, a Moderator or an Administrator (sometimes with
 * a mangled Authorization header), garbage, or a token signed with the service's salt but carrying
 * an odd payload; and random extra headers (encodings, conditionals, huge values within Node's limit).
 */
import fc from 'fast-check';
import { type Json, obj } from './json';
import { type Caller, ROLES } from './request';
import { jsonShape, nastyString } from './values';

/** Characters Node lets a client put in a header value (latin-1, no CR/LF). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

const garbageAuthorization = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer x',
    'Bearer a.b.c',
    'Basic YTpi',
    'bearer',
    'Token abc',
    'Bearer eyJhbGciOiJub25lIn0.eyJpZCI6MSwibmlja25hbWUiOiJ4IiwiZ3JvdXBzIjpbeyJpZCI6MX1dfQ.',
    'Bearer \u00e9\u00ff',
  ),
  headerText(40).map((text) => `Bearer ${text}`),
  headerText(40),
  fc.integer({ min: 1_000, max: 8_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
);

const oddId = fc.constantFrom<Json>(0, -1, 999_999, 2_147_483_648, Number.MAX_SAFE_INTEGER, 1.5, '1', null);
const oddGroups = fc.constantFrom<Json>(
  [],
  [
    obj([
      ['id', 1],
      ['name', 'Administrator'],
    ]),
  ],
  [obj([['id', 2]])],
  [
    obj([
      ['id', 99],
      ['name', 'x'],
    ]),
  ],
  [obj([['id', 1e300]])],
  obj([['id', 1]]),
  'Administrator',
);
const signedPayload: fc.Arbitrary<Json> = fc.oneof(
  fc
    .tuple(oddId, fc.oneof(fc.string({ maxLength: 8 }), nastyString), oddGroups)
    .map(([id, nickname, groups]) =>
      obj([
        ['id', id],
        ['nickname', nickname],
        ['groups', groups],
      ]),
    ),
  jsonShape(['id', 'nickname', 'groups']),
);

export function callers(adminWeight: number): fc.Arbitrary<Caller> {
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant<Caller>({ kind: 'none' }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('role' as const),
        role: fc.constantFrom(...ROLES),
        mangle: fc.oneof(
          { weight: 12, arbitrary: fc.constant('none' as const) },
          { weight: 1, arbitrary: fc.constantFrom('lowercase', 'spaces', 'appended', 'truncated', 'twice') },
        ),
      }),
    },
    {
      weight: adminWeight,
      arbitrary: fc.constant<Caller>({ kind: 'role', role: 'Administrator', mangle: 'none' }),
    },
    { weight: 1, arbitrary: garbageAuthorization.map((value): Caller => ({ kind: 'header', value })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(signedPayload, fc.constantFrom(3_600, -60, null))
        .map(([payload, expiresInSeconds]): Caller => ({ kind: 'signed', payload, expiresInSeconds })),
    },
  );
}

export const extraHeader: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  fc.tuple(
    fc.constant('accept'),
    fc.constantFrom('*/*', 'text/html', 'application/xml', 'application/json;q=0', 'x'),
  ),
  fc.tuple(
    fc.constant('accept-encoding'),
    fc.constantFrom('gzip', 'br', 'deflate', 'identity;q=0, *;q=0', 'x'),
  ),
  fc.tuple(fc.constant('accept-language'), fc.constantFrom('fr', 'xx-YY', '*', 'de;q=nonsense')),
  fc.tuple(
    fc.constant('x-forwarded-for'),
    fc.oneof(fc.constantFrom('1.2.3.4', 'unknown, ::1', ''), headerText(30)),
  ),
  fc.tuple(fc.constant('origin'), fc.constantFrom('https://evil.example', 'null')),
  fc.tuple(fc.constant('cookie'), fc.oneof(fc.constant('sails.sid=garbage; a=b'), headerText(30))),
  fc.tuple(
    fc.constant('range'),
    fc.constantFrom('bytes=0-10', 'bytes=garbage', 'bytes=999999999-', 'bytes=-1,0-0'),
  ),
  fc.tuple(
    fc.constantFrom('if-none-match', 'if-modified-since'),
    fc.oneof(fc.constantFrom('*', '"x"'), headerText(20)),
  ),
  fc.tuple(fc.constant('idempotency-key'), headerText(60)),
  fc.tuple(
    fc.constant('content-encoding'),
    fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'),
  ),
  fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT')),
  fc.tuple(
    fc.constant('x-fuzz-huge'),
    fc.integer({ min: 1_000, max: 8_000 }).map((n) => 'h'.repeat(n)),
  ),
  fc.tuple(fc.constant('x-fuzz'), headerText(100)),
);
