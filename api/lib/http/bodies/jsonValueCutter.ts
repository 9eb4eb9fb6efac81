/**
 * Cuts one JSON value out of a byte stream, across chunks, for the native JSON.parse to read: the
 * part of the streaming JSON reader (jsonRows) that sees every byte of every row.
 *
 * It works on bytes, never decoded text: no byte of a UTF-8 multi-byte sequence is ASCII, so every
 * quote, backslash and bracket is what it looks like. Its state (depth, in a string, after a
 * backslash) lives between chunks, so nothing is scanned twice, and it is a counter, never a stack
 * or a recursion: tens of thousands of nested brackets cost nothing here.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

/** JSON's four whitespace bytes; nothing else (not U+00A0, not a BOM) may stand between tokens. */
export function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export class ValueCutter {
  /** The value's text once `cut` has found its end; null while it is incomplete. */
  text: string | null = null;
  /** Bytes of the value scanned so far. */
  size = 0;
  /** Members and elements of the value scanned so far, at any depth (its commas and colons). */
  tokens = 0;
  /** The value's bytes from earlier chunks. */
  private parts: Buffer[] = [];
  private start = 0;
  private scalar = false;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Starts a value whose first byte is `byte`, at `i`; returns where `cut` goes on. */
  begin(byte: number, i: number): number {
    this.text = null;
    this.parts = [];
    this.start = i;
    this.size = 0;
    this.tokens = 0;
    this.escaped = false;
    // A string or a container ends at its closing byte; anything else (a number, a literal or
    // garbage) just before the next byte that may follow a value: JSON.parse judges what it holds.
    this.scalar = byte !== QUOTE && byte !== OPEN_BRACE && byte !== OPEN_BRACKET;
    this.inString = byte === QUOTE;
    this.depth = byte === QUOTE ? 0 : 1;
    return this.scalar ? i : i + 1;
  }

  /** A new chunk: the value in progress goes on from its first byte. */
  resume(): void {
    this.start = 0;
  }

  /**
   * Scans from `from`: returns the index just past the value, with `text` set, or the end of the
   * chunk, whose bytes are kept for the next one.
   */
  cut(buf: Buffer, from: number): number {
    const end = buf.length;
    let i = from;
    let done = false;
    if (this.scalar) {
      for (; i < end; i++) {
        const byte = buf[i];
        if (isWhitespace(byte) || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
          done = true;
          break;
        }
      }
    } else {
      // Locals, not fields, in this loop.
      let { depth, inString, escaped, tokens } = this;
      for (; i < end; i++) {
        const byte = buf[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (depth === 0) {
              done = true;
              i++;
              break;
            }
          }
        } else if (byte === QUOTE) inString = true;
        else if (byte === COMMA || byte === COLON) tokens++;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          // Brackets of either kind count alike: a mismatch is JSON.parse's to find.
          if (--depth === 0) {
            done = true;
            i++;
            break;
          }
        }
      }
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
      this.tokens = tokens;
    }
    this.size += i - from;
    if (!done) {
      this.parts.push(buf.subarray(this.start, end));
      this.start = 0;
      return end;
    }
    // A value begins and ends on ASCII bytes, so decoding it alone gives the same text, U+FFFD for
    // invalid bytes included, as decoding the whole body would.
    if (this.parts.length === 0) this.text = buf.toString('utf8', this.start, i);
    else {
      this.parts.push(buf.subarray(this.start, i));
      this.text = Buffer.concat(this.parts).toString('utf8');
      this.parts = [];
    }
    return i;
  }
}
