// @ts-check
/**
 * The chosen file, read in the browser: checks that it can be a CSV file, decodes it, finds its
 * separator, parses it with Papa Parse, and words what could not be parsed.
 *
 * Files come from Karstlink exports and from spreadsheets: a failures.csv opened in Excel or
 * LibreOffice, fixed and saved again comes back with a byte-order mark, `;` as separator (French or
 * German locales), CRLF line ends, or in Windows-1252 (Excel's plain "CSV" format), plus the report's
 * `line` and `message` columns, which are sent like any other column (the server ignores them).
 *
 * Line numbers are the file's: the row at index i is line i + 2 (line 1 is the header), as on the
 * server and in a spreadsheet's row numbers. So no row inside the file is ever dropped, not even a
 * blank one; only the blank rows after the last data row are (they shift no number).
 */

import { plural } from './format.js';

const CSV_TYPES = new Set(['text/csv', 'application/vnd.ms-excel']);
/** Separators a spreadsheet may write, in order of preference on a tie. */
const SEPARATORS = [',', ';', '\t', '|'];

/**
 * The rows of a file, or why it cannot be sent.
 * @typedef {object} ReadFile
 * @property {Record<string, unknown>[]} rows every row, line i + 2 at index i
 * @property {string | null} problem a message when the file cannot be sent
 * @property {string[]} notes what the user should know about rows that were read
 */

/**
 * A message when the chosen file cannot be a CSV file, otherwise null.
 * @param {File | undefined} file
 * @returns {string | null}
 */
export function fileProblem(file) {
  if (!file) return 'Choose a CSV file to import.';
  const csvName = /\.csv$/i.test(file.name);
  const csvType = CSV_TYPES.has((file.type || '').toLowerCase());
  if (!csvName && !csvType) {
    return `“${file.name}” is not a CSV file. Choose a Karstlink export saved as .csv (comma-separated values).`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

/** True when /vendor/papaparse.min.js has loaded and defined the global `Papa`. */
export function csvReaderLoaded() {
  return typeof window.Papa?.parse === 'function';
}

/**
 * The file's text. A byte-order mark picks the encoding and is dropped (TextDecoder consumes it), so
 * it never ends up in the first column's name; without one, UTF-8 when the bytes are valid UTF-8,
 * otherwise Windows-1252, which is what Excel's plain "CSV" format writes in Western locales.
 * @param {ArrayBuffer} buffer
 * @returns {{ text: string, legacy: boolean }} legacy: read as Windows-1252
 */
export function decodeCsv(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes), legacy: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes), legacy: false };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), legacy: false };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), legacy: true };
  }
}

/**
 * The separator of the header line: the candidate found most often outside quotes (column names hold
 * none of them). Papa's own guess compares field counts over the first rows, which a `;` file whose
 * cells hold commas (descriptions, decimal commas) can mislead. ',' when the line has none of them.
 * @param {string} text
 * @returns {string}
 */
export function detectSeparator(text) {
  /** @type {Map<string, number>} */
  const counts = new Map(SEPARATORS.map((separator) => [separator, 0]));
  let quoted = false;
  for (const char of text.replace(/^\uFEFF/, '')) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best = ',';
  for (const separator of SEPARATORS) {
    if ((counts.get(separator) ?? 0) > (counts.get(best) ?? 0)) best = separator;
  }
  return best;
}

/**
 * Reads, decodes and parses the file. Call only once csvReaderLoaded() is true.
 * @param {File} file
 * @returns {Promise<ReadFile>}
 */
export async function readCsvFile(file) {
  const { text, legacy } = decodeCsv(await file.arrayBuffer());
  const results = /** @type {PapaParse} */ (window.Papa).parse(text.replace(/^\uFEFF/, ''), {
    header: true,
    delimiter: detectSeparator(text),
    skipEmptyLines: false,
  });
  const rows = cleanRows(Array.isArray(results.data) ? results.data : []);
  let end = rows.length;
  while (end > 0 && isBlankRow(rows[end - 1])) end -= 1;
  const kept = rows.slice(0, end);
  // Errors about the dropped trailing rows (a final line break, empty `;;;` rows) are no concern.
  const errors = (Array.isArray(results.errors) ? results.errors : []).filter(
    (error) => !Number.isInteger(error.row) || /** @type {number} */ (error.row) < end,
  );
  const problem = parseProblem(kept, errors);
  if (problem) return { rows: kept, problem, notes: [] };
  const notes = [fieldMismatchNote(kept, errors), blankRowsNote(kept)];
  if (legacy) {
    notes.unshift(
      'The file is not UTF-8; it was read as Windows-1252 (Excel’s plain CSV format). Check that accents look right in the failures below.',
    );
  }
  return { rows: kept, problem: null, notes: notes.filter(Boolean) };
}

/**
 * A row whose every cell is empty or blank: a blank line, or a spreadsheet's `;;;` row.
 * @param {Record<string, unknown>} row
 * @returns {boolean}
 */
function isBlankRow(row) {
  return Object.values(row).every((value) => typeof value !== 'string' || value.trim() === '');
}

/**
 * Papa counts a quote error's row from the header line but a field-count error's row from the first
 * data line; both become the 1-based file line the server would give that row.
 * @param {PapaParseError} error
 * @returns {string}
 */
function describeParseError(error) {
  const headerOffset = error.type === 'Quotes' ? 1 : 2;
  const where = Number.isInteger(error.row)
    ? ` at line ${/** @type {number} */ (error.row) + headerOffset}`
    : '';
  return `${error.message || error.code || 'unknown error'}${where}`;
}

/**
 * A message when the parsed file cannot be sent. Quote errors make row boundaries unreliable, so
 * they stop the import; a row with too many or too few fields is left for the server to report.
 * @param {Record<string, unknown>[]} rows
 * @param {PapaParseError[]} errors
 * @returns {string | null}
 */
function parseProblem(rows, errors) {
  const quoteError = errors.find((error) => error.type === 'Quotes');
  if (quoteError) {
    return `The file could not be read as CSV: ${describeParseError(quoteError)}. Check for an unmatched double quote (").`;
  }
  if (rows.length === 0) {
    return errors.length
      ? `The file could not be read as CSV: ${describeParseError(errors[0])}.`
      : 'The file has no data rows: only a header line, or nothing at all.';
  }
  return null;
}

/**
 * A note about rows whose field count differs from the header (blank rows have their own note).
 * @param {Record<string, unknown>[]} rows
 * @param {PapaParseError[]} errors
 * @returns {string} '' when there are none
 */
function fieldMismatchNote(rows, errors) {
  const mismatched = errors.filter(
    (error) =>
      error.type === 'FieldMismatch' &&
      !(Number.isInteger(error.row) && isBlankRow(rows[Number(error.row)] ?? {})),
  );
  if (mismatched.length === 0) return '';
  return (
    `${plural(mismatched.length, 'row')} had a different number of fields than the header ` +
    `(first: ${describeParseError(mismatched[0])}). They are sent as read; the check lists any that cannot be imported.`
  );
}

/**
 * @param {Record<string, unknown>[]} rows
 * @returns {string} '' when no row is blank
 */
function blankRowsNote(rows) {
  const lines = [];
  for (let index = 0; index < rows.length; index++) if (isBlankRow(rows[index])) lines.push(index + 2);
  if (lines.length === 0) return '';
  const shown = lines.slice(0, 5).join(', ');
  return (
    `${plural(lines.length, 'blank row')} (line ${shown}${lines.length > 5 ? '…' : ''}) ` +
    'are kept so that line numbers stay those of the file; they cannot be imported.'
  );
}

/**
 * Papa puts surplus fields under `__parsed_extra`; they have no column, so they are not sent.
 * @param {Record<string, unknown>[]} rows
 * @returns {Record<string, unknown>[]}
 */
export function cleanRows(rows) {
  return rows.map((row) => {
    if (!Object.hasOwn(row, '__parsed_extra')) return row;
    const { __parsed_extra: _extra, ...rest } = row;
    return rest;
  });
}
