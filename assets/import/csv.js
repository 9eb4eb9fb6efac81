// @ts-check
/**
 * The chosen file, as the page handles it without ever holding it: the server reads and parses the
 * file itself (POST text/csv, sent from disk by the browser), so the page only finds out what the
 * server cannot, streaming the file a piece at a time:
 * - its encoding, named in the upload's `charset`: a byte-order mark, else UTF-8 when every
 *   byte is valid UTF-8, else Windows-1252, which is what Excel's plain "CSV" format writes in Western
 *   locales;
 * - after the check, the `id` cell of the few failing lines it shows (the server names a failure by its
 *   line only).
 *
 * Files come from Karstlink exports and from spreadsheets: a failures.csv opened in Excel or
 * LibreOffice, fixed and saved again comes back with a byte-order mark, `;` as separator (French or
 * German locales), CRLF line ends, or in Windows-1252, plus the report's `line` and `message`
 * columns, which are sent like any other column (the server ignores them).
 */

const CSV_TYPES = new Set(['text/csv', 'application/vnd.ms-excel', 'text/tab-separated-values']);
/** Names of the files spreadsheets export rows in: .csv, .tsv, and .txt (Excel's "Unicode Text"). */
const CSV_NAME = /\.(csv|tsv|txt)$/i;
/** Separators a spreadsheet may write, in the server's order of preference on a tie. */
const SEPARATORS = [',', ';', '\t', '|'];
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * An encoding the server reads a CSV file in (the `charset` of `text/csv`).
 * @typedef {'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be'} Charset
 */

/**
 * A message when the chosen file cannot be a CSV file, otherwise null.
 * @param {File | undefined} file
 * @returns {string | null}
 */
export function fileProblem(file) {
  if (!file) return 'Choose a CSV file to import.';
  const csvName = CSV_NAME.test(file.name);
  const csvType = CSV_TYPES.has((file.type || '').toLowerCase());
  if (!csvName && !csvType) {
    return `“${file.name}” is not a CSV file. Choose a Karstlink export saved as .csv (comma-separated values), .tsv or .txt (tab-separated).`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

/**
 * The Content-Type of an upload of the file.
 * @param {Charset} charset
 * @returns {string}
 */
export function csvContentType(charset) {
  return `text/csv; charset=${charset}`;
}

/**
 * The file's encoding. A byte-order mark names it (a UTF-8 one too: such a file is UTF-8 with a few
 * bad bytes, which become U+FFFD, not a Windows-1252 file); otherwise the whole file is streamed
 * through a strict UTF-8 decoder, which stops at the first byte that is not UTF-8. Rejects when the file cannot be read (e.g. it changed since it was chosen).
 * @param {File} file
 * @returns {Promise<Charset>}
 */
export async function detectCharset(file) {
  const start = new Uint8Array(await file.slice(0, 3).arrayBuffer());
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8';
  const reader = file
    .stream()
    .pipeThrough(new TextDecoderStream('utf-8', { fatal: true }))
    .getReader();
  try {
    for (;;) {
      if ((await reader.read()).done) return 'utf-8';
    }
  } catch (error) {
    // The decoder's error is a TypeError; anything else is the file's own (unreadable) and is passed on.
    if (error instanceof TypeError) return 'windows-1252';
    throw error;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Whether the file can still be read: a file changed on disk since it was chosen cannot, and an upload
 * of it fails like a lost connection would.
 * @param {File} file
 * @returns {Promise<boolean>}
 */
export async function stillReadable(file) {
  try {
    await file.slice(0, 1).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * The `id` cell of the records that begin at these lines, as the server numbers them (line 1 is the
 * first line of the file; CRLF, LF and a lone CR each end one, also inside quoted cells). The file is
 * streamed up to the last of them and only those cells are kept. A line not found, or a file without
 * an `id` column, is left out of the answer. The file is one the server has read, so it is well formed.
 * @param {File} file
 * @param {Charset} charset
 * @param {number[]} lines
 * @returns {Promise<Map<number, string>>}
 */
export async function readIds(file, charset, lines) {
  const scanner = new IdScanner(new Set(lines), Math.max(0, ...lines));
  if (scanner.done) return scanner.ids;
  const reader = file.stream().pipeThrough(new TextDecoderStream(charset)).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        scanner.end();
        break;
      }
      scanner.feed(value);
      if (scanner.done) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return scanner.ids;
}

/**
 * Finds the `id` cells of some lines in a CSV text fed a piece at a time: the header is the first
 * record that is not blank, its separator the one of SEPARATORS found most often on it outside quotes
 * (the server's rule). Holds the header and the cell being read, nothing else of the file.
 */
class IdScanner {
  /**
   * @param {Set<number>} wanted
   * @param {number} last the last wanted line: nothing after it is read
   */
  constructor(wanted, last) {
    this.wanted = wanted;
    this.last = last;
    /** @type {Map<number, string>} */
    this.ids = new Map();
    this.done = last < 2;
    /** Text before the separator is known: up to the end of the header line. */
    this.head = '';
    /** @type {number | null} the separator's code, once the header line is known */
    this.separator = null;
    /** @type {number | null} the id column's index, once the header is read */
    this.idColumn = null;
    /** The physical line being read, and the one where the current record began. */
    this.line = 1;
    this.recordLine = 1;
    this.quoted = false;
    this.afterCr = false;
    this.column = 0;
    /** Whether the current cell is kept: every cell before the header, then a wanted record's id. */
    this.keep = true;
    this.cell = '';
    /** @type {string[]} the cells of a record before the header, kept to tell a blank record */
    this.cells = [];
  }

  /** @param {string} text */
  feed(text) {
    if (this.separator === null) {
      this.head += text;
      const separator = headerSeparator(this.head);
      if (separator === null) return;
      this.separator = separator.charCodeAt(0);
      text = this.head;
      this.head = '';
    }
    this.scan(text);
  }

  /** The file ended: its last record may have no line end. */
  end() {
    if (this.separator === null) {
      this.separator = (headerSeparator(`${this.head}\n`) ?? ',').charCodeAt(0);
      this.scan(this.head);
    }
    if (!this.done) this.endRecord(this.line + 1);
  }

  /** @param {string} text */
  scan(text) {
    for (let i = 0; i < text.length && !this.done; i++) {
      const code = text.charCodeAt(i);
      const crlf = code === LF && this.afterCr;
      this.afterCr = code === CR;
      if (code === QUOTE) this.quoted = !this.quoted;
      else if (code === CR || code === LF) {
        if (!crlf) this.line++;
        if (!this.quoted) {
          if (!crlf) this.endRecord(this.line);
          continue;
        }
      } else if (code === this.separator && !this.quoted) {
        this.endCell();
        continue;
      }
      if (this.keep) this.cell += text[i];
    }
  }

  endCell() {
    if (this.idColumn === null) this.cells.push(unquote(this.cell));
    else if (this.keep) this.ids.set(this.recordLine, unquote(this.cell));
    this.cell = '';
    this.column++;
    this.keep = this.keeps();
  }

  /** @param {number} next the line where the next record begins */
  endRecord(next) {
    this.endCell();
    if (this.idColumn === null && this.cells.some((cell) => cell.trim() !== '')) {
      this.idColumn = this.cells.indexOf('id');
      // No id column: no id to find.
      if (this.idColumn === -1) this.done = true;
    }
    this.cells = [];
    if (this.recordLine >= this.last) this.done = true;
    this.recordLine = next;
    this.column = 0;
    this.keep = this.keeps();
  }

  /** Whether the cell that begins now is kept. */
  keeps() {
    if (this.idColumn === null) return true;
    return this.column === this.idColumn && this.wanted.has(this.recordLine);
  }
}

/**
 * A cell as written (the file is well formed): a quoted one loses its quotes and its doubled quotes.
 * @param {string} raw
 * @returns {string}
 */
function unquote(raw) {
  return raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw;
}

/**
 * The separator of the header line, the first line a reader would not skip as blank: blank lines have
 * nothing but separators, quotes and white space (a byte-order mark included) outside a doubled quote,
 * which is a quote character. Null while that line is not complete in `text`. The server's
 * DelimiterSniffer (api/lib/http/bodies/csvRows.ts) applies the same rule.
 * @param {string} text
 * @returns {string | null}
 */
function headerSeparator(text) {
  const counts = SEPARATORS.map(() => 0);
  let quoted = false;
  let closedQuote = false;
  let content = false;
  for (const char of text) {
    if (char === '"') {
      if (!quoted && closedQuote) content = true;
      quoted = !quoted;
      closedQuote = !quoted;
      continue;
    }
    closedQuote = false;
    const separator = quoted ? -1 : SEPARATORS.indexOf(char);
    if (separator !== -1) counts[separator]++;
    else if (!quoted && (char === '\n' || char === '\r')) {
      if (content) {
        let best = 0;
        for (let i = 1; i < SEPARATORS.length; i++) if (counts[i] > counts[best]) best = i;
        return SEPARATORS[best];
      }
      counts.fill(0);
    } else if (!/\s/.test(char)) content = true;
  }
  return null;
}
