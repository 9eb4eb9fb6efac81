/**
 * An import's CSV file (SPEC 15), read as a stream with csv-parse: one row object per record, keyed
 * by the header, as the records arrive. Memory holds one piece of the file and the records the
 * parser has queued, whatever the file's size.
 *
 * Choices, each what a spreadsheet's export needs:
 * - UTF-8 by default, a leading BOM dropped; invalid bytes become U+FFFD. A file the request declares
 *   in another charset (`windows-1252`, Excel's plain "CSV" format; `utf-16le`, `utf-16be`) is decoded
 *   to UTF-8 as it streams, before anything else reads it; a byte-order mark overrides the declared
 *   charset, as it does in browsers. RFC 4180 quoting, quoted line breaks;
 *   records end at CRLF, LF or a lone CR, mixed freely.
 * - The delimiter is the one of `,` `;` tab `|` found most often outside quotes on the header line,
 *   the first of them in that order on a tie; `,` for a line with none (a one-column header).
 * - The header is the first record that is not blank. A column with an empty name (as trailing
 *   separators make) is ignored: no field has that name, so its cells are dropped. A name given
 *   twice is a 400, since either cell could be the one meant. Names are kept as written (not trimmed).
 * - A blank record (every cell empty or spaces) is skipped: the lines of the others stay the file's.
 *   A record may have fewer cells (spreadsheets drop trailing empty cells): the missing ones are
 *   empty, and not stored; one with more cells than the header is a 400. So is a header with more
 *   named columns than IMPORT_MAX_COLUMNS, before any row is read.
 * - Errors name the line of the file where the faulty record begins, counted as a text editor counts
 *   lines (CRLF, LF and lone CR each end one), quoted line breaks and skipped lines included. That is
 *   where to look for an unclosed quote, which csv-parse only notices at the end of the file. Its own
 *   `info.lines` is not used: it counts a quoted CRLF as two lines.
 */
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InvalidInputError } from '../../core/errors';
import { tooManyColumnsMessage } from '../../pipeline/requestRows';
import {
  type BodyChunk,
  bodyPieces,
  MAX_ROW_BYTES,
  type NumberedRow,
  Pacer,
  type RowLimits,
} from './bodyStream';
import { type CsvCharset, toUtf8 } from './csvEncoding';
import { CellGuard, CR, DelimiterSniffer, LF, unreadable } from './csvScanning';

export const EMPTY_FILE_MESSAGE = 'The CSV file is empty.';
export const NO_ROWS_MESSAGE = 'The CSV file has a header but no rows.';
/** Longest record, in characters (see MAX_ROW_BYTES). */
export const MAX_RECORD_CHARS = MAX_ROW_BYTES;
/**
 * Cells a record may have per named column allowed, empty ones included: spreadsheets' trailing
 * separators pass, a line of a million cells (whose parse alone would hold the event loop) does not.
 */
const CELLS_PER_COLUMN = 10;

type CsvRow = Record<string, string>;

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.length > 0 && cell.trim().length > 0) return false;
  return true;
}

/** Line breaks inside the record's cells (only quoted cells hold any): CRLF, LF or CR each count one. */
function lineBreaks(cells: readonly string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue;
    for (let i = 0; i < cell.length; i++) {
      if (cell[i] === LF || (cell[i] === CR && cell[i + 1] !== LF)) breaks++;
    }
  }
  return breaks;
}

/**
 * Turns the parser's records into rows, synchronously inside the parser (its `on_record`), so the
 * line count is exact at the moment the parser fails, whatever records it still has queued.
 */
class RecordShaper {
  /** The physical line where the next record begins. */
  nextLine = 1;
  rows = 0;
  private names: string[] | null = null;
  private hasProtoColumn = false;

  constructor(
    private readonly maxColumns: number,
    /** Cells any record may have, blank or not (CELLS_PER_COLUMN per column allowed). */
    private readonly maxCells: number,
  ) {}

  get sawHeader(): boolean {
    return this.names !== null;
  }

  shape(cells: string[]): NumberedRow<CsvRow> | null {
    const line = this.nextLine;
    const names = this.names;
    // Before anything else reads the cells: a row of a million is refused at once, blank or not.
    if (cells.length > this.maxCells || (names !== null && cells.length > names.length && !isBlank(cells))) {
      const columns =
        names === null
          ? `at most ${this.maxCells} cells are allowed`
          : `the header has ${names.length} columns`;
      throw unreadable(line, `the row has ${cells.length} cells but ${columns}.`);
    }
    this.nextLine += 1 + lineBreaks(cells);
    if (isBlank(cells)) return null;
    if (names === null) {
      this.names = this.header(cells);
      return null;
    }
    // Only the cells the record has: a missing cell is an empty one to every rule (columns.ts), and
    // filling them in would make a file of short lines under a wide header weigh its header per line.
    const row: CsvRow = {};
    for (let i = 0; i < cells.length; i++) {
      const name = names[i];
      if (name === '') continue;
      const value = cells[i];
      // An own property named __proto__, as JSON.parse makes it: a column like any other (SPEC 14).
      if (this.hasProtoColumn && name === '__proto__') {
        Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
      } else row[name] = value;
    }
    this.rows++;
    return { row, line };
  }

  private header(cells: string[]): string[] {
    const seen = new Set<string>();
    for (const name of cells) {
      if (name === '') continue;
      if (seen.has(name)) throw new InvalidInputError(`The CSV header repeats the column "${name}".`);
      seen.add(name);
    }
    if (seen.size > this.maxColumns)
      throw new InvalidInputError(tooManyColumnsMessage(seen.size, this.maxColumns));
    this.hasProtoColumn = seen.has('__proto__');
    return cells;
  }
}

/** csv-parse's errors in plain words, at the line where the faulty record begins. */
function describeCsvError(error: CsvError, line: number): InvalidInputError {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return unreadable(line, 'a quoted cell is not closed.');
    case 'INVALID_OPENING_QUOTE':
      return unreadable(
        line,
        'a cell has a double quote (") inside it but does not begin with one. Put the whole cell in double quotes and write each inner quote twice ("").',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return unreadable(line, 'a quoted cell has characters after its closing quote.');
    case 'CSV_MAX_RECORD_SIZE':
      return unreadable(line, `a row is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB.`);
    default:
      return unreadable(line, error.message);
  }
}

/** The header line's pieces, read to choose the delimiter, then the rest of the body. */
async function* replayed(
  head: Buffer[],
  rest: AsyncGenerator<Buffer>,
  guard: CellGuard,
): AsyncGenerator<Buffer> {
  try {
    for (const piece of head) yield guard.checked(piece);
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield guard.checked(next.value);
  } finally {
    // Closed early (the parser failed, or the rows stopped being read): release the request too.
    await rest.return(undefined);
  }
}

/**
 * The rows of an import's CSV file, in order, as they arrive. Throws InvalidInputError for a file
 * that cannot be read (with its line), has no header or no rows, or repeats a column; TooLargeError
 * past `maxBytes` (the bytes sent, before any decoding). Gives the event loop a turn every megabyte
 * or thousand rows.
 */
export async function* readCsvRows(
  body: AsyncIterable<BodyChunk>,
  limits: RowLimits,
  charset: CsvCharset = 'utf-8',
): AsyncGenerator<NumberedRow<CsvRow>> {
  const pacer = new Pacer();
  const pieces = toUtf8(bodyPieces(body, limits, pacer), charset);
  const maxCells = CELLS_PER_COLUMN * limits.maxColumns;
  const sniffer = new DelimiterSniffer(maxCells - 1);
  const head: Buffer[] = [];
  for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
    head.push(next.value);
    if (sniffer.feed(next.value)) break;
  }

  // A header of too many cells is refused before it is parsed.
  if (sniffer.cells > maxCells) {
    await pieces.return(undefined);
    throw new InvalidInputError(
      `The CSV header has ${sniffer.cells} columns or more; at most ${limits.maxColumns} named columns can be imported.`,
    );
  }
  const shaper = new RecordShaper(limits.maxColumns, maxCells);
  const parser = parse({
    bom: true,
    delimiter: sniffer.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
    // Typed by csv-parse as returning its record type; returning an object (or null to skip) is
    // what the option is for.
    on_record: ((cells: string[]) => {
      // csv-parse compares each record's length with the first one's and, relaxed or not, builds an
      // error (a deep copy of the record, a stack trace) for each that differs: 13 µs a record, a
      // file of short rows parsed 3.6 times slower. With its count of records kept at zero, each
      // record is taken as the first. Widths are checked here instead (RecordShaper, CellGuard).
      (parser.info as { records: number }).records = 0;
      return shaper.shape(cells);
    }) as unknown as (cells: string[]) => string[],
  });
  // The pipeline ends the parser with the body's own error (TooLargeError) and, should the rows
  // stop being read, closes the body; its callback's error is the one thrown below.
  const guard = new CellGuard(sniffer.delimiter.charCodeAt(0), maxCells);
  pipeline(Readable.from(replayed(head, pieces, guard)), parser, () => {});
  try {
    for await (const row of parser as AsyncIterable<NumberedRow<CsvRow>>) {
      yield row;
      if (pacer.row()) await pacer.turn();
    }
  } catch (error) {
    throw error instanceof CsvError ? describeCsvError(error, shaper.nextLine) : error;
  }
  if (!shaper.sawHeader) throw new InvalidInputError(EMPTY_FILE_MESSAGE);
  if (shaper.rows === 0) throw new InvalidInputError(NO_ROWS_MESSAGE);
}
