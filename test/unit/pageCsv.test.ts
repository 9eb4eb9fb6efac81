import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import type { CsvCharset } from '../../api/lib/http/bodies/csvEncoding';
import { readCsvRows } from '../../api/lib/http/bodies/csvRows';
import { encodeWindows1252 } from '../support/windows1252';

/** The admin page's CSV module (assets/import/csv.js): browser code that Node 24 runs as it is. */
interface PageCsv {
  detectCharset(file: Blob): Promise<CsvCharset>;
  readIds(file: Blob, charset: CsvCharset, lines: number[]): Promise<Map<number, string>>;
}

const PAGE_CSV = pathToFileURL(path.resolve(__dirname, '../../assets/import/csv.js')).href;

/** Every character here has a Windows-1252 byte. */
const cellUnit = fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r\n', '\r', ' ', 'é', '€', 'a', 'Z', '1');
const cell = fc.string({ unit: cellUnit, maxLength: 6 });
const otherColumn = fc
  .string({ unit: fc.constantFrom('x', 'é', ':', ' ', '"', '\n'), minLength: 1, maxLength: 5 })
  .filter((name) => name.trim() !== '' && name !== 'id');

const sheet = fc
  .record({
    columns: fc.uniqueArray(otherColumn, { maxLength: 3 }),
    idAt: fc.nat(),
    rows: fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
    blankAt: fc.array(fc.nat(), { maxLength: 3 }),
  })
  .map(({ columns, idAt, rows, blankAt }) => {
    const header = [...columns];
    header.splice(idAt % (columns.length + 1), 0, 'id');
    const records = rows.map((cells) => cells.slice(0, header.length));
    // Blank rows, which the server skips: their lines count all the same.
    for (const at of blankAt)
      records.splice(
        at % (records.length + 1),
        0,
        header.map(() => ''),
      );
    return { header, records };
  });

const format = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  charset: fc.constantFrom<CsvCharset>('utf-8', 'windows-1252', 'utf-16le', 'utf-16be'),
});

type Format = typeof format extends fc.Arbitrary<infer T> ? T : never;

function encode(text: string, { charset, bom }: Format): Buffer {
  if (charset === 'windows-1252') return encodeWindows1252(text);
  const withBom = bom || charset !== 'utf-8' ? `\uFEFF${text}` : text;
  if (charset === 'utf-8') return Buffer.from(withBom);
  const le = Buffer.from(withBom, 'utf16le');
  return charset === 'utf-16le' ? le : le.swap16();
}

/** A file's contents, as the page is given them. */
const blob = (bytes: Buffer) => new Blob([new Uint8Array(bytes)]);

async function* inPieces(bytes: Buffer) {
  for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
}

describe('Admin page CSV helpers (assets/import/csv.js)', () => {
  let page: PageCsv;
  before(async () => {
    page = (await import(PAGE_CSV)) as PageCsv;
  });

  it('names the encoding the server must read a file in: a byte-order mark, valid UTF-8, else Windows-1252', async () => {
    const cases: [Buffer, CsvCharset][] = [
      [Buffer.from('id;nom\r\nFR-1;Été\r\n'), 'utf-8'],
      [Buffer.from('\uFEFFid;nom\r\nFR-1;Été\r\n'), 'utf-8'],
      [encodeWindows1252('id;nom\r\nFR-1;Été 12 €\r\n'), 'windows-1252'],
      [Buffer.from('\uFEFFid\tnom\r\n', 'utf16le'), 'utf-16le'],
      [Buffer.from('\uFEFFid\tnom\r\n', 'utf16le').swap16(), 'utf-16be'],
      // A UTF-8 sequence cut off at the very end of the file is no UTF-8.
      [Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xc3]), 'windows-1252'],
      // A UTF-8 byte-order mark is decisive: a few bad bytes after it make no Windows-1252 file.
      [Buffer.concat([Buffer.from('\uFEFFid;nom\r\nFR-1;Été '), Buffer.from([0xe9, 0x0d, 0x0a])]), 'utf-8'],
    ];
    for (const [bytes, charset] of cases) assert.equal(await page.detectCharset(blob(bytes)), charset);
    // Far past the first piece the browser reads.
    const late = Buffer.concat([Buffer.from(`id\n${'a\n'.repeat(300_000)}`), encodeWindows1252('é\n')]);
    assert.equal(await page.detectCharset(blob(late)), 'windows-1252');
  });

  it('finds the id of the rows the server numbers by line, in every format the server reads', async () => {
    await fc.assert(
      fc.asyncProperty(sheet, format, fc.array(fc.nat(), { maxLength: 6 }), async (s, f, picks) => {
        // Without a row that is not blank the server answers 400, and there is nothing to find.
        if (s.records.every((cells) => cells.every((c) => c.trim() === ''))) return;
        const text = stringify([s.header, ...s.records], {
          // One column has no separator to detect: it is read as ','.
          delimiter: s.header.length === 1 ? ',' : f.delimiter,
          record_delimiter: f.eol,
          quoted_match: /[\r\n]/,
        });
        const bytes = encode(text, f);
        const charset = await page.detectCharset(blob(bytes));
        assert.equal(charset, f.charset === 'windows-1252' && isUtf8(bytes) ? 'utf-8' : f.charset);
        const rows: [number, string][] = [];
        for await (const { line, row } of readCsvRows(
          inPieces(bytes),
          { maxBytes: 1e9, maxColumns: 10_000 },
          charset,
        )) {
          rows.push([line, String(row.id)]);
        }
        const wanted = [...new Set(picks.map((pick) => rows[pick % rows.length][0]))].sort((a, b) => a - b);
        const ids = await page.readIds(blob(bytes), charset, wanted);
        assert.deepEqual(
          [...ids].sort(([a], [b]) => a - b),
          rows.filter(([line]) => wanted.includes(line)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('takes the separator from the same header line as the server, past lines that are blank however written', async () => {
    const prefixes = ['', '""\n', '\u00A0\u2003\n', '\v\f\r', '"  "\r\n', ' \n\n'];
    for (const prefix of prefixes) {
      for (const separator of [';', '\t', '|']) {
        const bytes = Buffer.from(`${prefix}id${separator}name\nFR-1${separator}a\n"FR\n2"${separator}b\n`);
        const lines: [number, string][] = [];
        for await (const { line, row } of readCsvRows(inPieces(bytes), { maxBytes: 1e9, maxColumns: 10 })) {
          lines.push([line, String(row.id)]);
        }
        assert.deepEqual(
          lines.map(([, id]) => id),
          ['FR-1', 'FR\n2'],
          JSON.stringify(prefix),
        );
        const ids = await page.readIds(
          blob(bytes),
          'utf-8',
          lines.map(([line]) => line),
        );
        assert.deepEqual([...ids], lines, JSON.stringify(prefix));
      }
    }
  });

  it('reads no further than the last line it looks for, and nothing without an id column', async () => {
    const file = new Blob(['id,x\r\na,1\r\n"b\r\nb",2\r\nc,3\r\n']);
    // Line 4 is inside the record of line 3: no record begins there.
    assert.deepEqual([...(await page.readIds(file, 'utf-8', [2, 4]))], [[2, 'a']]);
    assert.deepEqual(
      [...(await page.readIds(file, 'utf-8', [3, 5]))],
      [
        [3, 'b\r\nb'],
        [5, 'c'],
      ],
    );
    assert.deepEqual([...(await page.readIds(new Blob(['name,x\n1,2\n']), 'utf-8', [2]))], []);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? 'id\n' : `row-${pulled}\n`));
      },
    });
    const lazy = { stream: () => endless } as unknown as Blob;
    assert.deepEqual([...(await page.readIds(lazy, 'utf-8', [4]))], [[4, 'row-4']]);
    assert.ok(pulled < 10, `read ${pulled} pieces`);
  });
});
