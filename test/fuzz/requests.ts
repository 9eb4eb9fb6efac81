/**
 * The arbitrary of one request against the API: a route (or a stray path), a method (mostly the
 * route's), a caller (none, User, Moderator, Administrator, garbage, odd signed payloads), random
 * headers, path parameters, query strings and the route's bodies.
 */
import fc from 'fast-check';
import { bodiesFor } from './bodies';
import { callers, extraHeader } from './callers';
import {
  type Existing,
  type FuzzRequest,
  type Limits,
  type Param,
  ROUTE_NAMES,
  ROUTES,
  type RouteName,
} from './request';
import { prototypeKey } from './values';

const LITERAL_IDS = [
  '-1',
  '0',
  '1',
  '007',
  '1.5',
  '1e3',
  '2147483647',
  '2147483648',
  '99999999999999999999',
  'abc',
  '%20',
  '..%2f..%2fetc%2fpasswd',
  '..%2F',
  '%zz',
  '%',
  '%00',
  '%ff',
  '\u00e9',
  'null',
  '__proto__',
  'constructor',
  encodeURIComponent('１'),
  encodeURIComponent('😀'),
  encodeURIComponent('\u0000'),
];

const literalParam = fc.oneof(
  fc.constantFrom(...LITERAL_IDS),
  fc.uuid().map((uuid) => (uuid.charCodeAt(0) % 2 ? uuid.toUpperCase() : uuid)),
  fc.integer({ min: 20, max: 2_000 }).map((n) => '9'.repeat(n)),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

const EXISTING: Partial<Record<RouteName, readonly Existing[]>> = {
  job: ['ownBatch', 'otherBatch'],
  duplicate: ['duplicate'],
  deleteDuplicate: ['duplicate'],
  fromDuplicate: ['duplicate'],
  markRead: ['ownNotification', 'otherNotification', 'missingNotification'],
};

function params(route: RouteName): fc.Arbitrary<Param | undefined> {
  if (!ROUTES[route].path.includes(':param')) return fc.constant(undefined);
  const existing = EXISTING[route] ?? [];
  return fc.oneof(
    { weight: 2, arbitrary: literalParam.map((text): Param => ({ kind: 'literal', text })) },
    {
      weight: existing.length ? 3 : 0,
      arbitrary: fc
        .tuple(fc.constantFrom(...(existing.length ? existing : (['duplicate'] as const))), fc.nat(30))
        .map(([what, index]): Param => ({ kind: 'existing', what, index })),
    },
  );
}

const QUERY_KEYS = [
  'summary',
  'limit',
  'skip',
  'offset',
  'sortBy',
  'orderBy',
  'batchId',
  'all',
  'id',
  'id[]',
  'limit[]',
  'limit[a]',
  'sortBy[x]',
];
const queryValue = fc.oneof(
  fc.constantFrom(
    '-1',
    '0',
    '1',
    '50',
    '51',
    '100',
    '101',
    '1.5',
    '1e3',
    ' 1',
    '0x10',
    '99999999999999999999',
  ),
  fc.constantFrom(
    'dateInscription',
    'id',
    'author',
    '__proto__',
    'constructor',
    'toString',
    'ASC',
    'desc',
    'sideways',
  ),
  fc.constantFrom('true', 'false', 'TRUE', '1', '', '%', '%zz', '%00', '%ff', '+', '%E2%80%AE'),
  fc.uuid(),
  fc.string({ maxLength: 10 }).map(encodeURIComponent),
);
const queryPair = fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), prototypeKey), queryValue);

function queries(route: RouteName): fc.Arbitrary<readonly (readonly [string, string])[]> {
  const pairs = fc.array(queryPair, { maxLength: 5 });
  if (route !== 'deleteDuplicates') return pairs;
  const ids = fc.oneof(
    fc.nat(30).map((i) => `{duplicate:${i}}`),
    fc.constantFrom(...LITERAL_IDS),
  );
  return fc.oneof(
    fc.array(fc.tuple(fc.constantFrom('id', 'id[]'), ids), { minLength: 1, maxLength: 6 }),
    fc
      .integer({ min: 995, max: 1_100 })
      .map((n) => Array.from({ length: n }, (_, i) => ['id', String(i + 1)] as const)),
    pairs,
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'TRACE'];

const STRAY_PATHS = [
  '/api/v1/jobs/',
  '//api/v1/jobs',
  '/api/v1/JOBS',
  '/api/v1/jobs/%2e%2e/health',
  '/api/v1/docs/..%2f..%2fpackage.json',
  '/api/v1/docs/%2e%2e/%2e%2e/package.json',
  '/api/v1/entrances',
  '/api/v1/entrances/import-rows/extra',
  '/api/v1/notifications/read/1',
  '/api/v2/jobs',
  '/api/v1/jobs/:param/cancel',
  '/api/v1/jobs/:param/events',
  '/local-uploads/..%2f..%2fpackage.json',
  '/local-uploads/%00',
  '/api/v1/%zz',
  '/api/v1/\u00e9',
];

/** One request: a route and everything around it. */
/** Shrinking may leave a branch for the first one (the plain method, no query, no header...). */
const SHRINK_TO_FIRST = { withCrossShrink: true } as const;

function routeRequest(route: RouteName, limits: Limits): fc.Arbitrary<FuzzRequest> {
  const { method, path } = ROUTES[route];
  const isImport = route === 'importRows' || route === 'checkRows';
  return fc
    .record({
      method: fc.oneof(
        SHRINK_TO_FIRST,
        { weight: 12, arbitrary: fc.constant(method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      param: params(route),
      query: fc.oneof(
        SHRINK_TO_FIRST,
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: queries(route) },
      ),
      caller: callers(isImport ? 10 : 1),
      headers: fc.oneof(
        SHRINK_TO_FIRST,
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(extraHeader, { maxLength: 3 }) },
      ),
      body: bodiesFor(route, limits),
      chunked: fc.oneof(
        SHRINK_TO_FIRST,
        { weight: 8, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ body, ...rest }): FuzzRequest => ({ route, path, ...rest, ...body }));
}

function strayRequest(limits: Limits): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: fc.constantFrom(...STRAY_PATHS),
      method: fc.constantFrom(...METHODS),
      caller: callers(1),
      body: bodiesFor('stray', limits),
    })
    .map(
      ({ body, path, ...rest }): FuzzRequest => ({
        route: 'stray',
        path,
        param: path.includes(':param') ? { kind: 'existing', what: 'ownBatch', index: 0 } : undefined,
        query: [],
        headers: [],
        chunked: false,
        ...rest,
        ...body,
      }),
    );
}

const WEIGHTS: Partial<Record<RouteName, number>> = {
  importRows: 14,
  checkRows: 8,
  login: 6,
  health: 1,
  docs: 1,
  docsSpec: 1,
};

/** The arbitrary of every request the fuzzer sends. */
export function requestArbitrary(limits: Limits): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...ROUTE_NAMES.map((route) => ({ weight: WEIGHTS[route] ?? 3, arbitrary: routeRequest(route, limits) })),
    { weight: 2, arbitrary: strayRequest(limits) },
  );
}
