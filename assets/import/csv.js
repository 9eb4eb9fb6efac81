// @ts-check
/**
 * The chosen file, read in the browser: checks that it can be a CSV file, parsing with Papa Parse,
 * and the messages about what could not be parsed.
 */

import { plural } from './format.js';

const CSV_TYPES = new Set(['text/csv', 'application/vnd.ms-excel']);

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
 * Call only once csvReaderLoaded() is true.
 * @param {File} file
 * @returns {Promise<PapaParseResult>}
 */
export function parseCsv(file) {
  return new Promise((resolve, reject) => {
    /** @type {PapaParse} */ (window.Papa).parse(file, {
      header: true,
      skipEmptyLines: 'greedy',
      complete: resolve,
      error: reject,
    });
  });
}

/**
 * Papa counts a quote error's row from the header line but a field-count error's row from the first
 * data line; both become a 1-based file line, "near" because skipped blank lines shift it.
 * @param {PapaParseError} error
 * @returns {string}
 */
function describeParseError(error) {
  const headerOffset = error.type === 'Quotes' ? 1 : 2;
  const where = Number.isInteger(error.row)
    ? ` near line ${/** @type {number} */ (error.row) + headerOffset}`
    : '';
  return `${error.message || error.code || 'unknown error'}${where}`;
}

/**
 * A message when the parsed file cannot be sent. Quote errors make row boundaries unreliable, so
 * they stop the import; a row with too many or too few fields is left for the server to report.
 * @param {PapaParseResult} results
 * @returns {string | null}
 */
export function parseProblem(results) {
  const rows = Array.isArray(results.data) ? results.data : [];
  const errors = Array.isArray(results.errors) ? results.errors : [];
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
 * A note, shown next to the form, about rows whose field count differs from the header.
 * @param {PapaParseResult} results
 * @returns {string} '' when there are none
 */
export function fieldMismatchNote(results) {
  const mismatched = (results.errors ?? []).filter((error) => error.type === 'FieldMismatch');
  if (mismatched.length === 0) return '';
  return (
    `${plural(mismatched.length, 'row')} had a different number of fields than the header ` +
    `(first: ${describeParseError(mismatched[0])}). They were sent as read; the failures report will list any that cannot be imported.`
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
