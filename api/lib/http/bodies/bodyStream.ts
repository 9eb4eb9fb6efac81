/**
 * What the streaming body readers (jsonRows, csvRows) share: the size limit, counted on the bytes as
 * they arrive, and the pacing that hands the event loop back while a large body is read.
 */
import { InvalidInputError, TooLargeError } from '../../core/errors';
import { nextTurn } from '../../core/eventLoop';

export interface BodyLimits {
  /** Bytes the body may hold; one more and the whole request is refused (413). */
  maxBytes: number;
  /** The limit as the settings spell it (`512mb`), for the message; the byte count when absent. */
  limitText?: string;
}

/** What a request's rows are held to while they are read, besides the body's size. */
export interface RowLimits extends BodyLimits {
  /** Named columns a row may have (IMPORT_MAX_COLUMNS). */
  maxColumns: number;
}

/**
 * Longest row: far above any real one (a hundred cells of 32 KB, the longest a cell may be), and a
 * bound on what one parse of a row takes: a row of 16 MB held the event loop for 100 ms once.
 */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;

/** A byte is the same in Buffer and Uint8Array; the readers index both the same way. */
export type BodyChunk = Buffer | Uint8Array;

export type { NumberedRow } from '../../pipeline/requestRows';

/**
 * The largest piece handed to a parser at once. A client, a test or a buffered request may deliver
 * megabytes in one chunk; parsing 64 KB takes well under a millisecond, so cutting chunks to this
 * size (views, no copies) keeps each synchronous step short.
 */
export const PIECE_BYTES = 64 * 1024;
const BYTES_PER_TURN = 1024 * 1024;
const ROWS_PER_TURN = 1000;

export function tooLargeError(limits: BodyLimits): TooLargeError {
  const limit = limits.limitText ?? `${limits.maxBytes} bytes`;
  return new TooLargeError(
    `Request body is larger than the ${limit} limit. Split the file into smaller imports.`,
  );
}

/**
 * Counts what a reader has done since the event loop last had a turn. An async iterator that is
 * never empty (a request whose chunks are already buffered, a parser's queued records) resolves
 * its promises as microtasks: without an explicit turn, timers and I/O would wait for the whole body.
 */
export class Pacer {
  private bytes = 0;
  private rows = 0;

  /** True when the caller should `await turn()`: a megabyte read since the last turn. */
  read(bytes: number): boolean {
    this.bytes += bytes;
    return this.bytes >= BYTES_PER_TURN;
  }

  /** True when the caller should `await turn()`: a thousand rows handed on since the last turn. */
  row(): boolean {
    this.rows++;
    return this.rows >= ROWS_PER_TURN;
  }

  turn(): Promise<void> {
    this.bytes = 0;
    this.rows = 0;
    return nextTurn();
  }
}

/** A body whose client went away mid-way (or stalled past the idle timeout) ends as a 400, not as ours. */
async function* inOrAborted(body: AsyncIterable<BodyChunk>): AsyncGenerator<BodyChunk> {
  try {
    yield* body;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === 'ECONNRESET' && message === 'aborted') {
      throw new InvalidInputError('The request ended before its body was complete.');
    }
    throw error;
  }
}

/**
 * The body as Buffers of at most PIECE_BYTES, refused with TooLargeError as soon as the bytes
 * received pass the limit (before any of the chunk that passes it is parsed), as body-parser did.
 */
export async function* bodyPieces(
  body: AsyncIterable<BodyChunk>,
  limits: BodyLimits,
  pacer: Pacer,
): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of inOrAborted(body)) {
    received += chunk.byteLength;
    if (received > limits.maxBytes) throw tooLargeError(limits);
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let start = 0; start < buffer.length; start += PIECE_BYTES) {
      const piece = buffer.subarray(start, start + PIECE_BYTES);
      yield piece;
      if (pacer.read(piece.length)) await pacer.turn();
    }
  }
}
