/**
 * What one fuzzed request is, before the running service gives it its tokens and ids, and the routes
 * it aims at (every route of config/routes.ts).
 */
import type { GroupName } from '../../api/lib/auth/groups';
import type { Json } from './json';
import type { RowExpectation } from './rows';

export interface ExpectedRow {
  expect: RowExpectation;
  note: string;
  /** Row i of a JSON body is line i + 2; a CSV row, the line of the file where it begins. */
  line: number;
}

export type Role = Extract<GroupName, 'User' | 'Moderator' | 'Administrator'>;
export const ROLES: readonly Role[] = ['User', 'Moderator', 'Administrator'];

/** Who calls: nobody, a real user (maybe with a mangled header), garbage, or a token signed with the service's salt but an odd payload. */
export type Caller =
  | { kind: 'none' }
  | { kind: 'role'; role: Role; mangle: 'none' | 'lowercase' | 'spaces' | 'appended' | 'truncated' | 'twice' }
  | { kind: 'header'; value: string }
  | { kind: 'signed'; payload: Json; expiresInSeconds: number | null };

/** A body: JSON built by the fuzzer, raw text, text around invalid UTF-8 bytes, or a body of a chosen size. */
export type Body =
  | { kind: 'json'; json: Json }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; before: string; bytes: Uint8Array; after: string }
  | { kind: 'sized'; before: string; unit: string; bytes: number; after: string };

/** Ids of things that exist once the service runs, resolved when the request is sent. */
export type Existing =
  | 'ownBatch'
  | 'otherBatch'
  | 'duplicate'
  | 'ownNotification'
  | 'otherNotification'
  | 'missingNotification';

/** A path parameter: raw text (already percent-encoded as it goes on the wire) or an existing id. */
export type Param = { kind: 'literal'; text: string } | { kind: 'existing'; what: Existing; index: number };

export interface FuzzRequest {
  /** The route aimed at (a key of ROUTES, or `stray` for paths of none), for statistics. */
  route: RouteName | 'stray';
  method: string;
  /** The path, `:param` standing for `param`. */
  path: string;
  param?: Param;
  /** Query pairs, raw (percent-encoded as they go on the wire). */
  query: readonly (readonly [string, string])[];
  caller: Caller;
  headers: readonly (readonly [string, string])[];
  body?: Body;
  /** undefined: the body's own type (JSON for JSON); null: no Content-Type at all. */
  contentType?: string | null;
  /** Sent with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked: boolean;
  /** For import bodies: what each row must become, and the line the service numbers it with. */
  rows?: readonly ExpectedRow[];
  /** The status an administrator must get for this body (too many columns, rows, bytes). */
  adminStatus?: number;
}

export const ROUTES = {
  login: { method: 'POST', path: '/api/v1/login' },
  health: { method: 'GET', path: '/api/v1/health' },
  importRows: { method: 'POST', path: '/api/v1/entrances/import-rows' },
  checkRows: { method: 'POST', path: '/api/v1/entrances/check-rows' },
  jobs: { method: 'GET', path: '/api/v1/jobs' },
  job: { method: 'GET', path: '/api/v1/jobs/:param' },
  duplicates: { method: 'GET', path: '/api/v1/entrance-duplicates' },
  duplicate: { method: 'GET', path: '/api/v1/entrance-duplicates/:param' },
  deleteDuplicates: { method: 'DELETE', path: '/api/v1/entrance-duplicates' },
  deleteDuplicate: { method: 'DELETE', path: '/api/v1/entrance-duplicates/:param' },
  fromDuplicate: { method: 'POST', path: '/api/v1/entrances/from-duplicate/:param' },
  notifications: { method: 'GET', path: '/api/v1/notifications' },
  unreadCount: { method: 'GET', path: '/api/v1/notifications/unread/count' },
  markRead: { method: 'POST', path: '/api/v1/notifications/:param/read' },
  markManyRead: { method: 'PUT', path: '/api/v1/notifications/read' },
  getPreference: { method: 'GET', path: '/api/v1/account/notifications' },
  setPreference: { method: 'PATCH', path: '/api/v1/account/notifications' },
  docs: { method: 'GET', path: '/api/v1/docs' },
  docsSpec: { method: 'GET', path: '/api/v1/docs/swagger.yaml' },
} as const satisfies Record<string, { method: string; path: string }>;

export type RouteName = keyof typeof ROUTES;
export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

/** The routes whose body is a whole file's rows, limited by IMPORT_MAX_BODY for administrators. */
export const IMPORT_ROUTES: readonly RouteName[] = ['importRows', 'checkRows'];

/** The limits of the service under test, which some arbitraries aim just past. */
export interface Limits {
  maxRows: number;
  maxColumns: number;
  /** IMPORT_MAX_BODY, in bytes. */
  maxImportBody: number;
  /** Every other JSON body. */
  maxBody: number;
}
