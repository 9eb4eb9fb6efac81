/**
 * The rows of an import request (import-rows and check-rows), read from the request as it streams:
 * a JSON body `{ "data": [row, ...] }` (SPEC 5) or a CSV file (`text/csv`, SPEC 15). Nothing reads
 * these bodies before the action (see middleware.ts), so the token and the group are checked before
 * a byte of a large body is read.
 */
import { UnsupportedMediaTypeError } from '../core/errors';
import { parseBodySize } from '../core/settings';
import type { NumberedRow } from './bodies/bodyStream';
import { readCsvRows } from './bodies/csvRows';
import { readJsonRows } from './bodies/jsonRows';

interface StreamingRequest extends AsyncIterable<Buffer | Uint8Array> {
  headers: Record<string, string | string[] | undefined>;
}

export function readRequestRows(req: StreamingRequest, maxBody: string): AsyncIterable<NumberedRow> {
  const contentType = String(req.headers['content-type'] ?? '');
  const type = contentType.split(';')[0].trim().toLowerCase();
  const limits = { maxBytes: parseBodySize(maxBody), limitText: maxBody };
  if (type === 'text/csv') return readCsvRows(req, limits);
  if (type === 'application/json' || type === '') return readJsonRows(req, limits);
  throw new UnsupportedMediaTypeError(
    'Send the rows as JSON ({ "data": [...] }, application/json) or as a CSV file (text/csv).',
  );
}
