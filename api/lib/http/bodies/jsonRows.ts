/**
 * An import's JSON body, `{ "data": [row, ...] }` (SPEC 5), read as a stream: each row is yielded
 * as soon as its bytes are complete, so a body of any size is never held, nor parsed in one go.
 *
 * A small state machine walks the bytes, keeping its state between chunks. It understands only the
 * outer shape: the top-level object, its keys, and the elements of `data` (or of any other array it
 * passes over, so that none is held whole). Every other value is cut out whole (jsonValueCutter)
 * and handed to the native JSON.parse, which builds the rows and validates what is skipped. So the
 * body is valid exactly when JSON.parse of the whole body would accept it: the outer grammar is
 * checked here, everything inside a value by JSON.parse. Only the bytes of the value in progress
 * are kept.
 *
 * The answers are those of body-parser (strict) followed by readImportRows, for every body:
 * - a leading UTF-8 BOM is dropped, and invalid UTF-8 becomes U+FFFD, as its decoding did;
 * - an empty body counts as `{}` (no "data"); whitespace only, a top-level value other than an
 *   object or array, or any syntax error anywhere (also in ignored keys) → "not valid JSON";
 * - valid JSON that is not `{ "data": [object, ...] }` with at least one element → "non-empty
 *   data array". As JSON.parse would have failed first on a syntax error further on, this answer
 *   waits for the end of the body; rows are no longer yielded once it is certain;
 * - a second top-level "data" key (JSON.parse would silently keep the last) is refused: the rows
 *   of the first have already gone on, and guessing which list was meant could import the wrong one;
 * - more than `maxBytes` bytes → TooLargeError, unless a syntax error came first;
 * - a row (or any other value) longer than 4 MB, or holding more values than its columns allow
 *   (a million keys, a cell that is a list of millions), is refused before it is parsed: one parse
 *   of it would hold the event loop for a second.
 * The caller rolls back whatever rows were yielded before an error.
 */
import { InvalidInputError } from '../../core/errors';
import { type BodyChunk, bodyPieces, type NumberedRow, Pacer, type RowLimits } from './bodyStream';
import { ValueLimits } from './jsonLimits';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isWhitespace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  ValueCutter,
} from './jsonValueCutter';

export const NOT_JSON_MESSAGE = 'Request body is not valid JSON.';
export const NO_DATA_MESSAGE = 'Request body must contain a non-empty "data" array.';
export const REPEATED_DATA_MESSAGE =
  'Request body has more than one "data" key. Send all rows in one "data" array.';

type JsonRow = Record<string, unknown>;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// Where the scanner is between tokens. Numbers rather than strings: compared for every byte.
const START = 0; // before the top-level value
const OBJECT_OPEN = 1; // after `{`: a key or `}`
const KEY_NEXT = 2; // after `,` in the object: a key
const KEY_COLON = 3; // after a key: `:`
const MEMBER_VALUE = 4; // after `:`: the member's value
const MEMBER_AFTER = 5; // after a member: `,` or `}`
const ARRAY_OPEN = 6; // after the `[` of a walked array: an element or `]`
const ARRAY_NEXT = 7; // after `,` in a walked array: an element
const ARRAY_AFTER = 8; // after an element: `,` or `]`
const CAPTURE = 9; // inside a value being cut out
const END = 10; // after the top-level value: only whitespace

/** What a cut-out value is: a member name, a row of `data`, or anything else (validated, dropped). */
type Role = 'key' | 'row' | 'skip';

function isPlainObject(value: unknown): value is JsonRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notJson(): InvalidInputError {
  return new InvalidInputError(NOT_JSON_MESSAGE);
}

class JsonRowScanner {
  private state = START;
  /** Bytes before the first three are known not to be a BOM; null once they are settled. */
  private head: Buffer | null = Buffer.alloc(0);
  private sawBytes = false;
  // The value being cut out: what it is, and where to go after it.
  private readonly cutter = new ValueCutter();
  private role: Role = 'skip';
  private after = END;
  // The array being walked element by element (`data`, or an array skipped the same way so that a
  // large one is never held whole) and what follows it.
  private elementRole: Role = 'skip';
  private afterArray = END;
  private elements = 0;
  private key = '';
  private dataSeen = false;
  /** The "valid JSON, wrong shape" answer, given once the rest of the body is known to be JSON. */
  private problem: string | null = null;
  private readonly limits: ValueLimits;

  constructor(maxColumns: number) {
    this.limits = new ValueLimits(maxColumns);
  }

  /** Scans one piece of the body, appending the rows it completes. */
  scan(input: Buffer, rows: JsonRow[]): void {
    const buf = this.afterBom(input);
    if (buf === null || buf.length === 0) return;
    this.sawBytes = true;
    this.cutter.resume();
    const end = buf.length;
    let i = 0;
    for (;;) {
      // Also at the end of the piece: a value begun on its last byte keeps that byte for the next.
      if (this.state === CAPTURE) i = this.capture(buf, i, rows);
      if (i >= end) return;
      if (this.state === CAPTURE) continue;
      const byte = buf[i];
      if (isWhitespace(byte)) {
        i++;
        continue;
      }
      i = this.token(byte, i);
    }
  }

  /** The end of the body: throws unless it held `{ "data": [object, ...] }` and nothing else wrong. */
  finish(): void {
    if (this.head !== null) {
      // One or two bytes that began like a BOM: content, and no JSON starts that way.
      if (this.head.length > 0) throw notJson();
      this.head = null;
    }
    if (this.state === START && !this.sawBytes) throw new InvalidInputError(NO_DATA_MESSAGE);
    if (this.state !== END) throw notJson();
    if (this.problem !== null) throw new InvalidInputError(this.problem);
    if (!this.dataSeen) throw new InvalidInputError(NO_DATA_MESSAGE);
  }

  /** Drops a leading BOM (body-parser's decoding does), waiting while a chunk ends inside one. */
  private afterBom(input: Buffer): Buffer | null {
    if (this.head === null) return input;
    const head = this.head.length > 0 ? Buffer.concat([this.head, input]) : input;
    if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) {
      this.head = head;
      return null;
    }
    this.head = null;
    return head.subarray(0, BOM.length).equals(BOM) ? head.subarray(BOM.length) : head;
  }

  /** One structural byte (not whitespace) outside any value; returns where to go on. */
  private token(byte: number, i: number): number {
    switch (this.state) {
      case START:
        // body-parser (strict) refuses any top-level value but an object or an array.
        if (byte === OPEN_BRACE) this.state = OBJECT_OPEN;
        else if (byte === OPEN_BRACKET) {
          // An array is valid JSON without a "data" key: walked (never held whole) to tell which answer.
          this.fail(NO_DATA_MESSAGE);
          this.walkArray('skip', END);
        } else throw notJson();
        return i + 1;
      case OBJECT_OPEN:
        if (byte === CLOSE_BRACE) {
          this.state = END;
          return i + 1;
        }
        return this.beginKey(byte, i);
      case KEY_NEXT:
        return this.beginKey(byte, i);
      case KEY_COLON:
        if (byte !== COLON) throw notJson();
        this.state = MEMBER_VALUE;
        return i + 1;
      case MEMBER_VALUE:
        return this.beginMember(byte, i);
      case MEMBER_AFTER:
        if (byte === COMMA) this.state = KEY_NEXT;
        else if (byte === CLOSE_BRACE) this.state = END;
        else throw notJson();
        return i + 1;
      case ARRAY_OPEN:
        if (byte === CLOSE_BRACKET) return this.endArray(i);
        return this.beginCapture(this.elementRole, ARRAY_AFTER, byte, i);
      case ARRAY_NEXT:
        if (byte === CLOSE_BRACKET) throw notJson();
        return this.beginCapture(this.elementRole, ARRAY_AFTER, byte, i);
      case ARRAY_AFTER:
        if (byte === COMMA) this.state = ARRAY_NEXT;
        else if (byte === CLOSE_BRACKET) return this.endArray(i);
        else throw notJson();
        return i + 1;
      default:
        throw notJson(); // END: trailing content after the top-level value
    }
  }

  private beginKey(byte: number, i: number): number {
    if (byte !== QUOTE) throw notJson();
    return this.beginCapture('key', KEY_COLON, byte, i);
  }

  private beginMember(byte: number, i: number): number {
    if (this.key !== 'data') {
      if (byte === OPEN_BRACKET) return this.walkArray('skip', MEMBER_AFTER, i);
      return this.beginCapture('skip', MEMBER_AFTER, byte, i);
    }
    if (this.dataSeen) this.fail(REPEATED_DATA_MESSAGE);
    this.dataSeen = true;
    if (byte === OPEN_BRACKET) return this.walkArray('row', MEMBER_AFTER, i);
    this.fail(NO_DATA_MESSAGE);
    return this.beginCapture('skip', MEMBER_AFTER, byte, i);
  }

  /** Enters an array whose elements are cut out one by one; returns where to go on past its `[`. */
  private walkArray(role: Role, after: number, i = 0): number {
    this.elementRole = role;
    this.afterArray = after;
    this.elements = 0;
    this.state = ARRAY_OPEN;
    return i + 1;
  }

  private endArray(i: number): number {
    if (this.elementRole === 'row' && this.elements === 0) this.fail(NO_DATA_MESSAGE);
    this.state = this.afterArray;
    return i + 1;
  }

  /** Records the first wrong-shape answer; rows stop going on from here. */
  private fail(message: string): void {
    this.problem ??= message;
  }

  private beginCapture(role: Role, after: number, byte: number, i: number): number {
    this.role = role;
    this.after = after;
    this.state = CAPTURE;
    return this.cutter.begin(byte, i);
  }

  /** Goes on with the value being cut out; returns where it ended, or the end of the piece. */
  private capture(buf: Buffer, i: number, rows: JsonRow[]): number {
    const next = this.cutter.cut(buf, i);
    // Before JSON.parse sees it: what one parse builds, and so how long it holds the event loop.
    if (this.limits.exceededBy(this.cutter)) {
      throw this.limits.error(this.role === 'row' ? this.elements + 2 : null);
    }
    const text = this.cutter.text;
    if (text !== null) {
      this.cutter.text = null;
      this.state = this.after;
      this.complete(text, rows);
    }
    return next;
  }

  private complete(text: string, rows: JsonRow[]): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A SyntaxError, or a RangeError should an engine give up on deep nesting: not JSON either way.
      throw notJson();
    }
    if (this.role === 'key') this.key = value as string;
    else if (this.role === 'row') {
      this.elements++;
      if (!isPlainObject(value)) this.fail(NO_DATA_MESSAGE);
      else if (this.problem === null) rows.push(value);
    }
  }
}

/**
 * The rows of an import's JSON body, in order, each as soon as it has arrived. Throws
 * InvalidInputError or TooLargeError as described above; gives the event loop a turn every
 * megabyte or thousand rows.
 */
export async function* readJsonRows(
  body: AsyncIterable<BodyChunk>,
  limits: RowLimits,
): AsyncGenerator<NumberedRow> {
  const pacer = new Pacer();
  const scanner = new JsonRowScanner(limits.maxColumns);
  const rows: JsonRow[] = [];
  let index = 0;
  for await (const piece of bodyPieces(body, limits, pacer)) {
    scanner.scan(piece, rows);
    for (const row of rows) {
      // Row i of `data` is line i + 2, as if it came from a CSV file whose line 1 is the header.
      yield { row, line: index++ + 2 };
      if (pacer.row()) await pacer.turn();
    }
    rows.length = 0;
  }
  scanner.finish();
}
