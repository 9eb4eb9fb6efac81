/** Reading request input at the edge: query parameters, ids and bodies become typed values or a 400. */
import { InvalidInputError } from '../core/errors';
import type { Row } from '../rows/columns';

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

export function parseBooleanParam(value: unknown, name: string): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError(`${name} must be true or false.`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export const NO_DATA_MESSAGE = 'Request body must contain a non-empty "data" array.';

/** The rows of an import body `{ "data": [row, ...] }` (SPEC 5, check 3): a non-empty array of objects. */
export function readImportRows(body: unknown): Row[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length === 0 || !data.every(isPlainObject)) {
    throw new InvalidInputError(NO_DATA_MESSAGE);
  }
  return data;
}

function isPlainObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
