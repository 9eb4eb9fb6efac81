/**
 * The running service the fuzzer talks to: its settings, its users (one per group, and a second
 * administrator whose batches and notifications belong to someone else), some seed data (batches,
 * duplicates, notifications), and the step that turns a FuzzRequest into bytes on the wire.
 */
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { entranceRow } from '../support/rows';
import { TEST_SALT, type TestService, type TestServiceOptions, type TestUser } from '../support/testService';
import type { Wire } from './client';
import { excerpt, type Json, serialize } from './json';
import type { Caller, Existing, FuzzRequest, Limits, Role } from './request';
import { UNKNOWN_COUNTRIES, UNKNOWN_LANGUAGES } from './rows';

/** The service under fuzzing: small limits, so that going past them is cheap. */
export const FUZZ_SERVICE_OPTIONS: TestServiceOptions = {
  settings: {
    import: { maxRows: 300, maxBodyBytes: '2mb' },
    login: { perAccount: 5, perClient: 200, windowSeconds: 10 },
  },
};

export interface World {
  app: TestService;
  users: Record<Role, TestUser>;
  /** An administrator other than `users.Administrator`: its batches and notifications are someone else's. */
  other: TestUser;
  limits: Limits;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function bytesOf(size: string): number {
  const match = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)?$/.exec(size);
  assert.ok(match, `unreadable body size ${size}`);
  return Math.floor(Number(match[1]) * UNITS[match[2] ?? 'b']);
}

async function importAndWait(app: TestService, user: TestUser, rows: object[]): Promise<void> {
  const res = await fetch(`${app.url}/api/v1/entrances/import-rows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: rows }),
  });
  const text = await res.text();
  assert.equal(res.status, 202, text);
  const { batchId } = JSON.parse(text) as { batchId: string };
  await app.waitForBatch(batchId, user.token);
}

/** Users, seed batches (with duplicates and notifications), and a check of the fuzzer's own assumptions. */
export async function prepareWorld(app: TestService): Promise<World> {
  const users = {
    User: await app.createUser({ group: 'User' }),
    Moderator: await app.createUser({ group: 'Moderator' }),
    Administrator: await app.createUser({ group: 'Administrator' }),
  };
  const other = await app.createUser({ group: 'Administrator' });
  const seed = [1, 2, 3].map((n) => entranceRow({ id: `fuzz-${n}` }));
  await importAndWait(app, users.Administrator, seed);
  await importAndWait(app, users.Administrator, seed);
  await importAndWait(app, other, [entranceRow({ id: 'fuzz-4' }), entranceRow({ id: 'fuzz-1' })]);

  const known = await app.query(
    `SELECT iso AS code FROM t_country WHERE upper(iso) = ANY($1)
     UNION ALL SELECT id FROM t_language WHERE lower(id) = ANY($2) OR lower(part1) = ANY($2)`,
    [UNKNOWN_COUNTRIES.map((c) => c.toUpperCase()), UNKNOWN_LANGUAGES.map((l) => l.toLowerCase())],
  );
  assert.deepEqual(known, [], 'the "unknown" codes of test/fuzz/rows.ts must be unknown');

  const { settings } = app;
  return {
    app,
    users,
    other,
    limits: {
      maxRows: settings.import.maxRows,
      maxColumns: settings.import.maxColumns,
      maxImportBody: bytesOf(settings.import.maxBodyBytes),
      maxBody: 1024 ** 2,
    },
  };
}

type Ids = Record<Existing, string[]>;

/** Bytes of request line and headers the fuzzer stays under (Node's maxHeaderSize is 16 kB). */
const HEADER_BUDGET = 15_000;

/** Ids that exist right now, read in one statement. */
async function currentIds(world: World): Promise<Ids> {
  const [row] = await world.app.query(
    `SELECT
       (SELECT coalesce(array_agg(id::text ORDER BY created_at), '{}') FROM t_job_batch WHERE id_initiator = $1) AS "ownBatch",
       (SELECT coalesce(array_agg(id::text ORDER BY created_at), '{}') FROM t_job_batch WHERE id_initiator <> $1) AS "otherBatch",
       (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM t_entrance_duplicate) AS duplicate,
       (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM t_notification WHERE id_notified = $1) AS "ownNotification",
       (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') FROM t_notification WHERE id_notified <> $1) AS "otherNotification",
       ARRAY[(SELECT coalesce(max(id), 0) + 1000 FROM t_notification)::text] AS "missingNotification"`,
    [world.users.Administrator.id],
  );
  return row as Ids;
}

const pick = (ids: Ids, what: Existing, index: number): string =>
  ids[what].length ? ids[what][index % ids[what].length] : '1';

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A token signed with the service's own salt, whatever its payload says. */
function signed(payload: Json, expiresInSeconds: number | null): string {
  const now = Math.floor(Date.now() / 1000);
  const withExp =
    expiresInSeconds !== null && payload !== null && typeof payload === 'object' && 'obj' in payload
      ? { obj: [...payload.obj, ['iat', now], ['exp', now + expiresInSeconds]] as const }
      : payload;
  const head = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(serialize(withExp, () => null))}`;
  return `${head}.${createHmac('sha256', TEST_SALT).update(head).digest('base64url')}`;
}

function authorization(world: World, caller: Caller): string | undefined {
  switch (caller.kind) {
    case 'none':
      return undefined;
    case 'header':
      return caller.value;
    case 'signed':
      return `Bearer ${signed(caller.payload, caller.expiresInSeconds)}`;
    case 'role': {
      const token = world.users[caller.role].token;
      const mangled = {
        none: `Bearer ${token}`,
        lowercase: `bearer ${token}`,
        spaces: `Bearer    ${token}   `,
        appended: `Bearer ${token}x`,
        truncated: `Bearer ${token.slice(0, -3)}`,
        twice: `Bearer ${token} Bearer ${token}`,
      };
      return mangled[caller.mangle];
    }
  }
}

function bodyBytes(request: FuzzRequest, resolve: (name: string) => Json): Buffer | undefined {
  const body = request.body;
  if (!body) return undefined;
  switch (body.kind) {
    case 'json':
      return Buffer.from(serialize(body.json, resolve), 'utf8');
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'bytes':
      return Buffer.concat([Buffer.from(body.before), body.bytes, Buffer.from(body.after)]);
    case 'sized': {
      const units = Math.ceil(body.bytes / Buffer.byteLength(body.unit));
      return Buffer.from(`${body.before}${body.unit.repeat(units)}${body.after}`, 'utf8');
    }
  }
}

/** The request as it goes on the wire, with this moment's tokens and ids. */
export async function toWire(world: World, request: FuzzRequest): Promise<Wire> {
  const ids = await currentIds(world);
  const param = request.param;
  const paramText = !param ? '' : param.kind === 'literal' ? param.text : pick(ids, param.what, param.index);
  const query = request.query
    .map(
      ([key, value]) =>
        `${key}=${value.replace(/^\{duplicate:(\d+)\}$/, (_, i) => pick(ids, 'duplicate', Number(i)))}`,
    )
    .join('&');
  // A space cannot go on the wire raw (Node's client refuses it): it travels encoded.
  const path = `${request.path.replace(':param', paramText)}${query ? `?${query}` : ''}`.replaceAll(
    ' ',
    '%20',
  );

  const users: Record<string, TestUser> = world.users;
  const resolve = (name: string): Json => {
    const [kind, what, index] = name.split(':');
    if (kind === 'email') return users[what].email;
    if (kind === 'EMAIL') return ` ${users[what].email.toUpperCase()} `;
    if (kind === 'password') return users[what].password;
    if (kind === 'id') return Number(pick(ids, what as Existing, Number(index)));
    return null;
  };
  const body = bodyBytes(request, resolve);
  const headers: [string, string][] = [];
  const auth = authorization(world, request.caller);
  if (auth !== undefined) headers.push(['authorization', auth]);
  const contentType =
    request.contentType === undefined
      ? request.body
        ? request.body.kind === 'text'
          ? 'text/plain'
          : 'application/json'
        : undefined
      : request.contentType;
  if (contentType !== undefined && contentType !== null && body) headers.push(['content-type', contentType]);
  headers.push(...request.headers.map(([key, value]): [string, string] => [key, value]));
  // Within Node's header limit (16 kB with the request line): a 431 from Node's parser says nothing of the API.
  const size = () =>
    path.length + headers.reduce((sum, [key, value]) => sum + key.length + value.length + 4, 0);
  while (size() > HEADER_BUDGET && headers.some(([key]) => key.startsWith('x-fuzz'))) {
    headers.splice(
      headers.findIndex(([key]) => key.startsWith('x-fuzz')),
      1,
    );
  }
  return { method: request.method, path, headers, body, chunked: request.chunked };
}

/** Rows of the tables a rejected request must leave alone, counted in one statement. */
export async function countRows(world: World): Promise<Record<string, number>> {
  const tables = [
    't_job_batch',
    't_job_batch_row',
    't_job_batch_outcome',
    't_job_batch_group',
    't_entrance',
    't_cave',
    't_name',
    't_caver',
    't_entrance_duplicate',
    't_notification',
  ];
  const [row] = await world.app.query(
    `SELECT ${tables.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
  );
  return row as Record<string, number>;
}

/** What a bearer token says, to print beside it (a token is unreadable, its payload is what matters). */
function tokenPayload(header: string): string {
  const payload = /^Bearer\s+[\w-]+\.([\w-]+)\.[\w-]*/i.exec(header)?.[1];
  return payload ? `\n    (payload ${excerpt(Buffer.from(payload, 'base64url').toString('utf8'), 200)})` : '';
}

/** A request, printed for a person: method, path, headers (long ones cut) and the start of the body. */
export function describeWire(wire: Wire): string {
  const headers = wire.headers
    .map(
      ([key, value]) =>
        `  ${key}: ${excerpt(value, 120)}${key === 'authorization' ? tokenPayload(value) : ''}`,
    )
    .join('\n');
  const utf8 = wire.body ? isUtf8(wire.body) : true;
  const text = wire.body?.toString(utf8 ? 'utf8' : 'latin1') ?? '';
  const body = wire.body
    ? `  body (${wire.body.length} bytes${wire.chunked ? ', chunked' : ''}${utf8 ? '' : ', not UTF-8, shown as latin-1'}): ${excerpt(JSON.stringify(text), 400)}`
    : '  no body';
  return `${wire.method} ${excerpt(wire.path, 300)}\n${headers}${headers ? '\n' : ''}${body}`;
}
