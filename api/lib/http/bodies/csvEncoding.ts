/**
 * The encodings a CSV file may be sent in, and the decoding of a body to UTF-8 as it streams: a
 * byte-order mark names the encoding whatever the request declares, as browsers read files.
 */

/** The encodings a CSV file may be sent in (SPEC 15), as a `charset` parameter of `text/csv` names them. */
export const CSV_CHARSETS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type CsvCharset = (typeof CSV_CHARSETS)[number];

/** The byte-order marks that name an encoding, whatever the request declares (as browsers decode). */
const BYTE_ORDER_MARKS: readonly { bytes: readonly number[]; charset: CsvCharset }[] = [
  { bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
  { bytes: [0xff, 0xfe], charset: 'utf-16le' },
  { bytes: [0xfe, 0xff], charset: 'utf-16be' },
];

function charsetOfBom(start: Buffer): CsvCharset | undefined {
  return BYTE_ORDER_MARKS.find(({ bytes }) => bytes.every((byte, i) => start[i] === byte))?.charset;
}

/**
 * The body's pieces as UTF-8, decoded as they arrive (a character cut between two pieces waits for
 * the next one). A byte-order mark at the start names the encoding, whatever `declared` says: a file
 * saved as UTF-8 with a BOM but declared Windows-1252 would otherwise begin with "ï»¿" and have its
 * accents garbled. Bytes the charset cannot decode become U+FFFD, as invalid UTF-8 does; a UTF-16
 * byte-order mark is dropped (the parser drops UTF-8's).
 */
export async function* toUtf8(pieces: AsyncGenerator<Buffer>, declared: CsvCharset): AsyncGenerator<Buffer> {
  try {
    let start = Buffer.alloc(0);
    let next = await pieces.next();
    for (; !next.done && start.length < 3; next = await pieces.next())
      start = Buffer.concat([start, next.value]);
    const charset = charsetOfBom(start) ?? declared;
    const all = resumed(start, next, pieces);
    if (charset === 'utf-8') {
      yield* all;
      return;
    }
    const decoder = new TextDecoder(charset);
    for await (const piece of all) {
      const text = decoder.decode(piece, { stream: true });
      if (text.length > 0) yield Buffer.from(text, 'utf8');
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield Buffer.from(rest, 'utf8');
  } finally {
    await pieces.return(undefined);
  }
}

/** The pieces again: those read to look at the start, then the others. */
async function* resumed(
  start: Buffer,
  next: IteratorResult<Buffer>,
  pieces: AsyncGenerator<Buffer>,
): AsyncGenerator<Buffer> {
  if (start.length > 0) yield start;
  for (let piece = next; !piece.done; piece = await pieces.next()) yield piece.value;
}
