/** Reading request input at the edge: query parameters, ids and bodies become typed values or a 400. */
import { InvalidInputError, UnsupportedMediaTypeError } from '../core/errors';

export interface Page {
  limit: number;
  offset: number;
}

function integerParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidInputError(`${name} must be an integer between ${min} and ${max}.`);
  }
  return parsed;
}

/** `?limit=&offset=` of the list endpoints: 20 items by default, at most 100. */
export function parsePage(query: Record<string, unknown>): Page {
  return {
    limit: integerParam(query.limit, 'limit', 20, 1, 100),
    offset: integerParam(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

export type SortOrder = 'ASC' | 'DESC';

/** `?limit&skip&sortBy&orderBy` of Grottocenter's list endpoints, read by parseListQuery. */
export interface ListQuery<S extends string> {
  limit: number;
  skip: number;
  sortBy: S;
  orderBy: SortOrder;
}

export interface ListQueryOptions<S extends string> {
  /** The sort keys the endpoint accepts; any other `sortBy` is a 400. */
  sortable: readonly S[];
  defaultSort: S;
  /** DESC unless given: Grottocenter lists newest first. */
  defaultOrder?: SortOrder;
  /** A larger `limit` is lowered to this, as Grottocenter does (50 unless given). */
  maxLimit?: number;
  /** `maxLimit` unless given. */
  defaultLimit?: number;
}

function positiveIntegerParam(value: unknown, name: string, fallback: number, min: 0 | 1): number {
  if (value === undefined || value === '') return fallback;
  const parsed = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new InvalidInputError(
      min === 1 ? `${name} must be a positive integer.` : `${name} must be a non-negative integer.`,
    );
  }
  return parsed;
}

/**
 * Reads Grottocenter's list parameters: `limit` (a positive integer, lowered to `maxLimit`), `skip`
 * (from 0), `sortBy` (one of `sortable`) and `orderBy` (`ASC` or `DESC`, any case). Anything else is
 * a 400 that says what is accepted; the values returned are safe to hand to the SQL layer, which maps
 * the sort key to its column itself. Answer with `sendPage` (./pagination).
 */
export function parseListQuery<S extends string>(
  query: Record<string, unknown>,
  options: ListQueryOptions<S>,
): ListQuery<S> {
  const maxLimit = options.maxLimit ?? 50;
  const limit = positiveIntegerParam(query.limit, 'limit', options.defaultLimit ?? maxLimit, 1);
  const skip = positiveIntegerParam(query.skip, 'skip', 0, 0);

  const sortBy = query.sortBy === undefined || query.sortBy === '' ? options.defaultSort : query.sortBy;
  if (typeof sortBy !== 'string' || !(options.sortable as readonly string[]).includes(sortBy)) {
    throw new InvalidInputError(`sortBy must be one of: ${options.sortable.join(', ')}.`);
  }
  const rawOrder =
    query.orderBy === undefined || query.orderBy === '' ? (options.defaultOrder ?? 'DESC') : query.orderBy;
  const orderBy = typeof rawOrder === 'string' ? rawOrder.toUpperCase() : '';
  if (orderBy !== 'ASC' && orderBy !== 'DESC') throw new InvalidInputError('orderBy must be ASC or DESC.');

  return { limit: Math.min(limit, maxLimit), skip, sortBy: sortBy as S, orderBy };
}

export function parseBooleanParam(value: unknown, name: string): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError(`${name} must be true or false.`);
}

const INTEGER_ID_MAX = 2_147_483_647;

/**
 * A serial id from the path: a positive integer within PostgreSQL's integer range, or null for
 * anything else, which names nothing (malformed ids are 404s, like unknown ones).
 */
export function parseRecordId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= INTEGER_ID_MAX ? id : null;
}

/**
 * The distinct ids of a body such as `{ "ids": [1, 2] }` (Grottocenter's checks and messages): null
 * when the field is absent, null or empty, meaning "no list given"; 400 unless every entry is a
 * positive integer, and past `max` distinct ids.
 */
export function readIdList(body: unknown, field: string, max: number): number[] | null {
  if (body === undefined || body === null) return null;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError(`Request body must be an object such as { "${field}": [1, 2] }.`);
  }
  // Only the list: a misspelt field (`idz`) must not read as "no list", which means "all of them".
  const unknown = Object.keys(body).find((key) => key !== field);
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `Request body may only hold "${field}"; "${unknown.slice(0, 40)}" is not read.`,
    );
  }
  const raw = (body as Record<string, unknown>)[field];
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || !raw.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new InvalidInputError(`${field} must be an array of positive integers.`);
  }
  if (raw.length === 0) return null;
  const ids = [...new Set(raw as number[])];
  if (ids.length > max) {
    throw new InvalidInputError(`${field} array exceeds the maximum allowed length of ${max}.`);
  }
  return ids;
}

/** A boolean field of a JSON body: 400 unless it is `true` or `false`. */
export function readBooleanField(body: unknown, field: string): boolean {
  const value =
    body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)[field]
      : undefined;
  if (typeof value !== 'boolean') {
    throw new InvalidInputError(`Request body must be { "${field}": true } or { "${field}": false }.`);
  }
  return value;
}

/**
 * Every value of a repeated query parameter (`?id=1&id=2`, also written `id[]=1`), read from the raw
 * URL: the parsed `req.query` drops parameters past its limit and turns `id[x]=1` into objects.
 */
export function queryParamValues(url: string, name: string): string[] {
  const params = new URL(url, 'http://localhost').searchParams;
  return [...params.getAll(name), ...params.getAll(`${name}[]`)];
}

/** `?batchId=` filters: absent, or a UUID (400 otherwise), lower-cased as stored. */
export function parseUuidParam(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isUuid(value)) throw new InvalidInputError(`${name} must be a UUID.`);
  return value.toLowerCase();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The JSON body of a request, or a 415 when one was sent in another type: read as no body at all,
 * `{"ids":[1]}` sent as text/plain would mark every notification read instead of one.
 */
export function jsonBodyOf(req: { headers: Record<string, string | undefined>; body: unknown }): unknown {
  const { headers } = req;
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (hasBody && !/^application\/([\w.+-]+\+)?json$/.test(type)) {
    throw new UnsupportedMediaTypeError('Send the request body as JSON (Content-Type: application/json).');
  }
  return req.body;
}
