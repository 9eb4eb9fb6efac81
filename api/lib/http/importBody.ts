/**
 * The rows of an import request (import-rows and check-rows), read from the request as it streams:
 * a JSON body `{ "data": [row, ...] }` (SPEC 5) or a CSV file (`text/csv`, SPEC 15). Nothing reads
 * these bodies before the action (see middleware.ts), so the token and the group are checked before
 * a byte of a large body is read.
 */
import { UnsupportedMediaTypeError } from '../core/errors';
import { parseBodySize } from '../core/settingValues';
import type { NumberedRow } from './bodies/bodyStream';
import { CSV_CHARSETS, type CsvCharset } from './bodies/csvEncoding';
import { readCsvRows } from './bodies/csvRows';
import { readJsonRows } from './bodies/jsonRows';

interface StreamingRequest extends AsyncIterable<Buffer | Uint8Array> {
  headers: Record<string, string | string[] | undefined>;
}

/** Aliases of the charsets a CSV file may be sent in (labels compare without regard to case). */
const CHARSET_LABELS: ReadonlyMap<string, CsvCharset> = new Map([
  ...CSV_CHARSETS.map((charset): [string, CsvCharset] => [charset, charset]),
  ['utf8', 'utf-8'],
]);

export interface RequestLimits {
  /** IMPORT_MAX_BODY, as the settings spell it. */
  maxBodyBytes: string;
  /** IMPORT_MAX_COLUMNS: a CSV header is held to it at once (JSON rows, as they come: requestRows.ts). */
  maxColumns: number;
}

/** What an import body is, by its Content-Type: JSON rows, or a CSV file in a charset. */
export type BodyFormat = { kind: 'json' } | { kind: 'csv'; charset: CsvCharset };

/**
 * The body's format, from its headers alone: a type or charset the service cannot read is a 415
 * before any other answer that would need the body (an Idempotency-Key's 409 included).
 */
export function bodyFormatOf(headers: StreamingRequest['headers']): BodyFormat {
  const [type, ...parameters] = String(headers['content-type'] ?? '').split(';');
  const mediaType = type.trim().toLowerCase();
  if (mediaType === 'text/csv') return { kind: 'csv', charset: csvCharset(parameters) };
  if (mediaType === 'application/json' || mediaType === '') return { kind: 'json' };
  throw new UnsupportedMediaTypeError(
    'Send the rows as JSON ({ "data": [...] }, application/json) or as a CSV file (text/csv).',
  );
}

export function readRequestRows(req: StreamingRequest, settings: RequestLimits): AsyncIterable<NumberedRow> {
  const format = bodyFormatOf(req.headers);
  const maxBody = settings.maxBodyBytes;
  const limits = { maxBytes: parseBodySize(maxBody), limitText: maxBody, maxColumns: settings.maxColumns };
  return format.kind === 'csv' ? readCsvRows(req, limits, format.charset) : readJsonRows(req, limits);
}

/**
 * The encoding a `text/csv` body declares with its `charset` parameter: UTF-8 when it declares none.
 * An encoding the reader does not know is refused before a byte of the body is read: read as UTF-8,
 * its accents would be imported garbled.
 */
function csvCharset(parameters: readonly string[]): CsvCharset {
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    const label = parameter
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    const charset = CHARSET_LABELS.get(label.toLowerCase());
    if (charset) return charset;
    throw new UnsupportedMediaTypeError(
      `A CSV file in the charset "${label.slice(0, 40)}" cannot be read. Send it as ${CSV_CHARSETS.join(', ')} ` +
        '(text/csv; charset=windows-1252 for Excel’s plain "CSV" format); without a charset, UTF-8 is assumed.',
    );
  }
  return 'utf-8';
}
