import assert from 'node:assert/strict';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { isDomainError } from '../../api/lib/core/errors';
import type { RowLimits } from '../../api/lib/http/bodies/bodyStream';
import type { CsvCharset } from '../../api/lib/http/bodies/csvEncoding';
import {
  EMPTY_FILE_MESSAGE,
  MAX_RECORD_CHARS,
  NO_ROWS_MESSAGE,
  readCsvRows,
} from '../../api/lib/http/bodies/csvRows';
import { encodeWindows1252 } from '../support/windows1252';

const LIMITS: RowLimits = { maxBytes: 1 << 30, limitText: '1gb', maxColumns: 10_000 };

/** The bytes in chunks of the given sizes, in turn (1: byte by byte), as Buffers or bare Uint8Arrays. */
async function* chunksOf(bytes: Buffer, sizes: readonly number[], plain = false) {
  for (let i = 0, k = 0; i < bytes.length; i += sizes[k++ % sizes.length]) {
    const piece = bytes.subarray(i, i + sizes[k % sizes.length]);
    yield plain ? new Uint8Array(piece) : piece;
  }
}

interface Outcome {
  rows: Record<string, string>[];
  error?: { kind: string; message: string };
}

async function readAll(
  body: AsyncIterable<Buffer | Uint8Array>,
  limits: RowLimits = LIMITS,
  charset?: CsvCharset,
): Promise<Outcome> {
  const rows: Record<string, string>[] = [];
  try {
    for await (const { row } of readCsvRows(body, limits, charset)) rows.push(row);
    return { rows };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { rows, error: { kind: error.kind, message: error.message } };
  }
}

const read = (text: string | Buffer, sizes = [5]) =>
  readAll(chunksOf(Buffer.isBuffer(text) ? text : Buffer.from(text), sizes));

const invalid = (message: string) => ({ kind: 'invalid-input', message });
const unreadable = (line: number, problem: string) =>
  invalid(`The CSV file could not be read at line ${line}: ${problem}`);

/** Line breaks as a text editor counts them: CRLF, LF and a lone CR each end one line. */
const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === '');

// Cells with separators, quotes, every kind of line break and multi-byte characters.
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const cellUnit = fc.oneof(
  fc.constantFrom(',', ';', '"', '\n', '\r\n', '\r', ' ', 'é', '😀', '\t', 'a'),
  anyChar,
);
const cell = fc.string({ unit: cellUnit, maxLength: 8 });
// Header names: not blank, no separator (a ';' header holding more commas is rightly read as ','), no
// leading U+FEFF (a BOM, dropped).
const nameUnit = fc.oneof(fc.constantFrom('"', '\n', ' ', 'é', ':', '/', 'x'), anyChar);
const name = fc.oneof(
  fc
    .string({ unit: nameUnit, minLength: 1, maxLength: 8 })
    .filter((n) => n.trim() !== '' && !/^\uFEFF|[,;\t|]/.test(n)),
  fc.constantFrom('__proto__', 'constructor', 'id'),
);
const table = fc.uniqueArray(name, { minLength: 1, maxLength: 6 }).chain((header) =>
  fc.record({
    header: fc.constant(header),
    rows: fc.array(fc.array(cell, { minLength: header.length, maxLength: header.length }), { maxLength: 8 }),
  }),
);
const format = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  quoted: fc.boolean(),
  // Spreadsheets leave out a row's trailing empty cells.
  dropTrailing: fc.boolean(),
});
const sizes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });
const chunking = fc.record({ sizes: fc.oneof(fc.constant([1]), sizes), plain: fc.boolean() });
// The charsets every character can be written in (Windows-1252 has its own test).
const charset = fc.constantFrom<CsvCharset>('utf-8', 'utf-16le', 'utf-16be');

function encode(text: string, encoding: CsvCharset): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text);
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

type Format = typeof format extends fc.Arbitrary<infer T> ? T : never;

/** The cells of a record as a spreadsheet writes them: without its trailing empty ones, for some. */
function writtenCells(cells: string[], f: Format): string[] {
  return f.dropTrailing ? cells.slice(0, cells.findLastIndex((c) => c !== '') + 1) : cells;
}

function csvText(records: string[][], f: Format, header: string[]): string {
  // One column has no separator to detect: it is read as ','.
  const delimiter = header.length === 1 ? ',' : f.delimiter;
  const trimmed = records.map((r) => writtenCells(r, f));
  // csv-stringify quotes only the line break it writes; the reader ends a record at any unquoted one.
  const options = {
    delimiter,
    record_delimiter: f.eol,
    bom: f.bom,
    quoted: f.quoted,
    quoted_match: /[\r\n]/,
  };
  return records.length === 0 ? '' : stringify(trimmed, options);
}

describe('Import rows: streaming CSV reader', () => {
  it('round-trips random tables written with , ; tab or |, LF, CRLF or CR, a BOM or not, in UTF-8 or UTF-16, however chunked', async () => {
    await fc.assert(
      fc.asyncProperty(table, format, chunking, charset, async ({ header, rows }, f, c, encoding) => {
        const bytes = encode(csvText([header, ...rows], f, header), encoding);
        const outcome = await readAll(chunksOf(bytes, c.sizes, c.plain), LIMITS, encoding);
        const kept = rows.filter((cells) => !isBlank(cells));
        if (kept.length === 0)
          return assert.deepEqual(outcome, { rows: [], error: invalid(NO_ROWS_MESSAGE) });
        assert.equal(outcome.error, undefined);
        assert.deepStrictEqual(
          outcome.rows,
          // A cell the line leaves out is absent from its row, not an empty string.
          kept.map((cells) => Object.fromEntries(writtenCells(cells, f).map((cell, i) => [header[i], cell]))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('names the line where a row with too many cells begins, counting quoted line breaks', async () => {
    await fc.assert(
      fc.asyncProperty(table, format, fc.nat(), chunking, async ({ header, rows }, f, at, c) => {
        const k = at % (rows.length + 1);
        const bad = [...(rows[k] ?? header.map(() => '')), 'extra'];
        const before = csvText([header, ...rows.slice(0, k)], f, header);
        const bytes = Buffer.from(before + csvText([bad, ...rows.slice(k)], { ...f, bom: false }, header));
        const outcome = await readAll(chunksOf(bytes, c.sizes, c.plain));
        const columns = header.length;
        assert.deepEqual(
          outcome.error,
          unreadable(
            lineBreaks(before) + 1,
            `the row has ${columns + 1} cells but the header has ${columns} columns.`,
          ),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('names the line where an unclosed quote begins, not the end of the file', async () => {
    await fc.assert(
      fc.asyncProperty(table, format, chunking, async ({ header, rows }, f, c) => {
        const before = csvText([header, ...rows], f, header);
        const bytes = Buffer.from(`${before}"never closed${f.eol}and, more;${f.eol}`);
        const outcome = await readAll(chunksOf(bytes, c.sizes, c.plain));
        assert.deepEqual(outcome.error, unreadable(lineBreaks(before) + 1, 'a quoted cell is not closed.'));
      }),
      { numRuns: 150 },
    );
  });

  it('reads a spreadsheet export: BOM, semicolons, CRLF, accents, dropped trailing cells, blank lines', async () => {
    const file =
      '\uFEFFline;message;Remarque;\r\n' +
      '2;Coordonnées invalides;"Près de l\'église; côté ""nord"""\r\n' +
      '3;"Deux\r\nlignes"\r\n' +
      ';;;\r\n' +
      '\r\n' +
      '4;Été;;\r\n';
    for (const sizes of [[1], [3], [file.length]]) {
      assert.deepStrictEqual(await read(file, sizes), {
        rows: [
          { line: '2', message: 'Coordonnées invalides', Remarque: 'Près de l\'église; côté "nord"' },
          { line: '3', message: 'Deux\r\nlignes' },
          { line: '4', message: 'Été', Remarque: '' },
        ],
      });
    }
  });

  it('gives each unreadable file its exact message and line', async () => {
    const cases: [string, ReturnType<typeof invalid>][] = [
      ['', invalid(EMPTY_FILE_MESSAGE)],
      ['\uFEFF', invalid(EMPTY_FILE_MESSAGE)],
      ['\r\n  \n\n', invalid(EMPTY_FILE_MESSAGE)],
      ['a;b', invalid(NO_ROWS_MESSAGE)],
      ['a;b\r\n;\r\n \r\n', invalid(NO_ROWS_MESSAGE)],
      ['id,id\n1,2\n', invalid('The CSV header repeats the column "id".')],
      ['a,b\n1,2\n3,4,5\n', unreadable(3, 'the row has 3 cells but the header has 2 columns.')],
      [
        'a,b\r\n"x\r\ny",2\r\n\r\n3,4,5\r\n',
        unreadable(5, 'the row has 3 cells but the header has 2 columns.'),
      ],
      ['a,b\n1,2\n"3,4\n5,6\n7,8\n', unreadable(3, 'a quoted cell is not closed.')],
      [
        'a,b\n1,2\n3,x"y\n',
        unreadable(
          3,
          'a cell has a double quote (") inside it but does not begin with one. Put the whole cell in double quotes and write each inner quote twice ("").',
        ),
      ],
      ['a,b\n1,2\n"3"x,4\n', unreadable(3, 'a quoted cell has characters after its closing quote.')],
    ];
    for (const [file, error] of cases) {
      for (const sizes of [[1], [1000]]) assert.deepEqual((await read(file, sizes)).error, error, file);
    }
  });

  it('refuses a row longer than 4 MB, naming the line where it begins', async () => {
    const huge = Buffer.alloc(MAX_RECORD_CHARS + 1, 'x');
    const file = Buffer.concat([Buffer.from('a,b\n1,2\n3,"'), huge, Buffer.from('"\n')]);
    assert.deepEqual((await read(file, [65536])).error, unreadable(3, 'a row is longer than 4 MB.'));
  });

  it('ignores unnamed columns, leaves missing cells out, and takes CR, LF and CRLF alike', async () => {
    assert.deepEqual(await read('a,,b,\n1,2,3,\n4\n'), { rows: [{ a: '1', b: '3' }, { a: '4' }] });
    assert.deepEqual(await read('a;b\r1;2\n3;4\r\n5;6'), {
      rows: [
        { a: '1', b: '2' },
        { a: '3', b: '4' },
        { a: '5', b: '6' },
      ],
    });
    // Separators inside quotes do not count; a tie or none at all is read as ','.
    assert.deepEqual(await read('"a;b;c",d\n1,2\n'), { rows: [{ 'a;b;c': '1', d: '2' }] });
    assert.deepEqual(await read('a,b;c\n1,2;3\n'), { rows: [{ a: '1', 'b;c': '2;3' }] });
    assert.deepEqual(await read('\n\n  \nsolo\nx;y\n'), { rows: [{ solo: 'x;y' }] });
  });

  it('keeps a column named __proto__ as a column, and turns invalid UTF-8 into U+FFFD', async () => {
    const proto = (await read('__proto__,b\n1,2\n')).rows[0];
    assert.deepEqual(Object.keys(proto), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    // A lead byte cut short by a separator, a sequence cut short by a line end, a stray byte.
    const broken = Buffer.from([0x61, 0xff, 0x2c, 0x62, 0x0a, 0x66, 0xc3, 0x2c, 0xe9, 0x80, 0x0a]);
    for (const sizes of [[1], [2], [100]]) {
      assert.deepEqual(await read(broken, sizes), { rows: [{ 'a\uFFFD': 'f\uFFFD', b: '\uFFFD' }] });
    }
  });

  it('finds tab and | delimiters, the most frequent outside quotes, a tie going to , then ; then tab', async () => {
    const cases: [string, Record<string, string>[]][] = [
      [
        'id\tname\tnote\n1\tGrotte, «Sud»; nord\t|x|\n',
        [{ id: '1', name: 'Grotte, «Sud»; nord', note: '|x|' }],
      ],
      ['id|name\r\n1|a;b,c\r\n', [{ id: '1', name: 'a;b,c' }]],
      ['"a|b|c"\td\n1\t2\n', [{ 'a|b|c': '1', d: '2' }]],
      ['a;b\tc\n1;2\t3\n', [{ a: '1', 'b\tc': '2\t3' }]],
      ['a\tb|c\n1\t2|3\n', [{ a: '1', 'b|c': '2|3' }]],
      // Blank lines before the header (a spreadsheet's empty rows, tabs) are skipped and count nothing.
      [' \n;;;\nid;name\n1;2\n', [{ id: '1', name: '2' }]],
      ['\t\t\t\n  \t\nid|name\n1|2\n', [{ id: '1', name: '2' }]],
      // …however blank: empty quoted cells, no-break spaces, vertical tabs and form feeds.
      ['""\nid;name\n1;2\n', [{ id: '1', name: '2' }]],
      ['""|""\r\nid|name\r\n1|2\r\n', [{ id: '1', name: '2' }]],
      ['\u00A0\u2003\nid;name\n1;2\n', [{ id: '1', name: '2' }]],
      ['\v\f\nid\tname\n1\t2\n', [{ id: '1', name: '2' }]],
      ['"  ";" \t "\nid;name\n1;2\n', [{ id: '1', name: '2' }]],
      // A doubled quote is a quote character: that line is the header.
      ['""""\nx;y\n', [{ '"': 'x;y' }]],
    ];
    for (const [file, rows] of cases) {
      for (const sizes of [[1], [1000]]) assert.deepEqual(await read(file, sizes), { rows }, file);
    }
  });

  it('reads the encoding a byte-order mark names, whatever the request declares', async () => {
    const text = 'id;rdfs:label\r\nFR-1;Grotte de l’Éléphant\r\n';
    const rows = [{ id: 'FR-1', 'rdfs:label': 'Grotte de l’Éléphant' }];
    const utf8 = Buffer.from(`\uFEFF${text}`);
    const utf16 = Buffer.from(`\uFEFF${text}`, 'utf16le');
    for (const sizes of [[1], [2], [4096]]) {
      assert.deepEqual(await readAll(chunksOf(utf8, sizes), LIMITS, 'windows-1252'), { rows });
      assert.deepEqual(await readAll(chunksOf(utf16, sizes), LIMITS, 'utf-8'), { rows });
      assert.deepEqual(await readAll(chunksOf(Buffer.from(utf16).swap16(), sizes), LIMITS, 'utf-16le'), {
        rows,
      });
    }
  });

  it('decodes a windows-1252 file as it streams, whatever the chunks', async () => {
    // Excel's plain "CSV": ';', CRLF, accents and the 0x80–0x9F characters (€, ’, œ, «»).
    const text = 'id;rdfs:label;note\r\nFR-1;Grotte de l’Éléphant;« œuvre » 12 €\r\nFR-2;Gouffre Étoilé;\r\n';
    const bytes = encodeWindows1252(text);
    for (const sizes of [[1], [2, 3], [bytes.length]]) {
      assert.deepEqual(await readAll(chunksOf(bytes, sizes), LIMITS, 'windows-1252'), {
        rows: [
          { id: 'FR-1', 'rdfs:label': 'Grotte de l’Éléphant', note: '« œuvre » 12 €' },
          { id: 'FR-2', 'rdfs:label': 'Gouffre Étoilé', note: '' },
        ],
      });
    }
    // Read as UTF-8 instead, the same bytes lose every accent.
    assert.notEqual((await read(bytes)).rows[0]?.['rdfs:label'], 'Grotte de l’Éléphant');
  });

  it('decodes a UTF-16 file of either byte order, its byte-order mark dropped', async () => {
    const text = '\uFEFFid\trdfs:label\r\nFR-1\tGrotte 😀 de l’Été\r\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    const rows = [{ id: 'FR-1', 'rdfs:label': 'Grotte 😀 de l’Été' }];
    for (const sizes of [[1], [3], [le.length]]) {
      assert.deepEqual(await readAll(chunksOf(le, sizes), LIMITS, 'utf-16le'), { rows });
      assert.deepEqual(await readAll(chunksOf(be, sizes), LIMITS, 'utf-16be'), { rows });
    }
  });

  it('numbers lines and counts the size limit the same in every charset', async () => {
    const text = 'a,b\r\n1,"é\r\nè"\r\n\r\n3,4,5\r\n';
    const error = unreadable(5, 'the row has 3 cells but the header has 2 columns.');
    assert.deepEqual(
      (await readAll(chunksOf(encodeWindows1252(text), [2]), LIMITS, 'windows-1252')).error,
      error,
    );
    assert.deepEqual(
      (await readAll(chunksOf(Buffer.from(text, 'utf16le'), [3]), LIMITS, 'utf-16le')).error,
      error,
    );
    // The limit is on the bytes sent: a UTF-16 file of 2 bytes a character, not its UTF-8 size.
    const small = Buffer.from('a,b\n1,2\n', 'utf16le');
    const limits = { ...LIMITS, maxBytes: small.length - 1, limitText: '15b' };
    assert.equal((await readAll(chunksOf(small, [4]), limits, 'utf-16le')).error?.kind, 'too-large');
  });

  it('numbers each row by the line of the file where it begins, past blank lines and line breaks in cells', async () => {
    const file = 'id;note\r\na;one\r\n\r\nb;"two\r\nlines"\r\n;\r\nc;three\r\n';
    const lines: [number, string][] = [];
    for await (const { row, line } of readCsvRows(chunksOf(Buffer.from(file), [7]), LIMITS)) {
      lines.push([line, String(row.id)]);
    }
    assert.deepEqual(lines, [
      [2, 'a'],
      [4, 'b'],
      [7, 'c'],
    ]);
  });
});
