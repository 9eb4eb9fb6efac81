/**
 * Byte- and character-level passes over a CSV file that run before csv-parse sees it: the header's
 * delimiter, and a bound on the cells of every record. Both follow quotes as the parser does.
 */
import { InvalidInputError } from '../../core/errors';
import { MAX_ROW_BYTES } from './bodyStream';

export function unreadable(line: number, problem: string): InvalidInputError {
  return new InvalidInputError(`The CSV file could not be read at line ${line}: ${problem}`);
}

export const CR = '\r';
export const LF = '\n';
/** The delimiters a file may use, in order of preference on a tie: `,` `;` tab `|`. */
const DELIMITERS = [',', ';', '\t', '|'];
/** What `String.prototype.trim` removes, which is what makes a cell blank (see isBlank). */
const WHITESPACE = /\s/;

/**
 * Finds the header line and counts its delimiters outside quotes. A line the reader would skip as
 * blank (nothing but delimiters, quotes and white space, a BOM included) is passed over, so the
 * delimiter is the header's. A quote toggles quoting; a doubled quote inside quotes is a quote
 * character, and so content. The page's headerSeparator (assets/import/csv.js) applies the same rule.
 */
export class DelimiterSniffer {
  private readonly decoder = new TextDecoder('utf-8');
  private bytes = 0;
  private quoted = false;
  private closedQuote = false;
  private content = false;
  private readonly counts = DELIMITERS.map(() => 0);

  /** More delimiters than this on the header line, and it is refused unread: its cells are too many. */
  constructor(private readonly maxDelimiters: number) {}

  /**
   * Reads a piece; true once the header line is complete, has too many cells, or is longer than a
   * record may be (the parser then says so).
   */
  feed(buf: Buffer): boolean {
    this.bytes += buf.length;
    for (const char of this.decoder.decode(buf, { stream: true })) {
      if (this.read(char)) return true;
    }
    return this.bytes > MAX_ROW_BYTES;
  }

  /** Reads a character of the text; true at the end of the header line. */
  private read(char: string): boolean {
    if (char === '"') {
      if (!this.quoted && this.closedQuote) this.content = true;
      this.quoted = !this.quoted;
      this.closedQuote = !this.quoted;
      return false;
    }
    this.closedQuote = false;
    const delimiter = this.quoted ? -1 : DELIMITERS.indexOf(char);
    if (delimiter !== -1) return ++this.counts[delimiter] > this.maxDelimiters && this.content;
    if (!this.quoted && (char === CR || char === LF)) {
      if (this.content) return true;
      this.counts.fill(0);
    } else if (!WHITESPACE.test(char)) this.content = true;
    return false;
  }

  get delimiter(): string {
    return DELIMITERS[this.best()];
  }

  /** Cells of the header line read so far, as the delimiter splits it. */
  get cells(): number {
    return this.counts[this.best()] + 1;
  }

  private best(): number {
    let best = 0;
    for (let i = 1; i < DELIMITERS.length; i++) if (this.counts[i] > this.counts[best]) best = i;
    return best;
  }
}

const QUOTE_BYTE = 0x22;
const CR_BYTE = 0x0d;
const LF_BYTE = 0x0a;

/**
 * Counts the cells of each record as its bytes go by, and refuses one of more than `maxCells`
 * before the parser has built it: csv-parse copies a record whose length differs from the first
 * into an error object (relaxed or not), which for a line of millions of empty cells held the event
 * loop for a quarter of a second. Counts lines as the reader does, to name the one where the record
 * begins.
 */
export class CellGuard {
  private quoted = false;
  private cells = 1;
  private line = 1;
  private recordLine = 1;
  private afterCr = false;

  constructor(
    private readonly delimiter: number,
    private readonly maxCells: number,
  ) {}

  checked(buf: Buffer): Buffer {
    // Locals, not fields, in this loop over every byte of the file.
    let { quoted, cells, line, recordLine, afterCr } = this;
    const { delimiter, maxCells } = this;
    for (let i = 0; i < buf.length; i++) {
      const byte = buf[i];
      const crlf = byte === LF_BYTE && afterCr;
      afterCr = byte === CR_BYTE;
      if (byte === QUOTE_BYTE) quoted = !quoted;
      else if (byte === LF_BYTE || byte === CR_BYTE) {
        if (!crlf) line++;
        if (!quoted && !crlf) {
          cells = 1;
          recordLine = line;
        }
      } else if (byte === delimiter && !quoted && ++cells > maxCells) {
        throw unreadable(recordLine, `a row has more than ${maxCells} cells.`);
      }
    }
    Object.assign(this, { quoted, cells, line, recordLine, afterCr });
    return buf;
  }
}
