import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isDomainError } from '../../api/lib/core/errors';
import type { RowLimits } from '../../api/lib/http/bodies/bodyStream';
import type { CsvCharset } from '../../api/lib/http/bodies/csvEncoding';
import { readCsvRows } from '../../api/lib/http/bodies/csvRows';

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

const invalid = (message: string) => ({ kind: 'invalid-input', message });
const unreadable = (line: number, problem: string) =>
  invalid(`The CSV file could not be read at line ${line}: ${problem}`);

/** The live heap (after a full collection) at every `every` rows of the reader, its largest growth in MB. */
async function liveHeapGrowth(
  rows: AsyncIterable<unknown>,
  every = 20_000,
): Promise<{ count: number; growth: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const liveHeap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = liveHeap();
  let growth = Number.NEGATIVE_INFINITY;
  let count = 0;
  for await (const _row of rows) {
    if (++count % every === 0) growth = Math.max(growth, (liveHeap() - before) / 1e6);
  }
  return { count, growth };
}

describe('Import rows: streaming CSV reader, its limits and its memory', () => {
  it('refuses a file past the limit with the caller’s wording', async () => {
    const file = Buffer.from('a,b\n1,é\n');
    assert.deepEqual(
      await readAll(chunksOf(file, [3]), { ...LIMITS, maxBytes: file.length, limitText: '1mb' }),
      {
        rows: [{ a: '1', b: 'é' }],
      },
    );
    assert.deepEqual(
      (await readAll(chunksOf(file, [3]), { ...LIMITS, maxBytes: file.length - 1, limitText: '512mb' }))
        .error,
      {
        kind: 'too-large',
        message: 'Request body is larger than the 512mb limit. Split the file into smaller imports.',
      },
    );
  });

  it('hands the event loop back while reading a large file delivered in one chunk', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i};${'x'.repeat(200)}`);
    const file = Buffer.from(`id;label\n${lines.join('\n')}\n`);
    let turns = 0;
    let reading = true;
    const tick = () => {
      if (!reading) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const outcome = await readAll(chunksOf(file, [file.length]));
    reading = false;
    assert.equal(outcome.rows.length, 20_000);
    assert.ok(turns >= 4, `only ${turns} turns of the event loop while reading ${file.length} bytes`);
  });

  it('closes the body when the caller stops reading early, or the file is malformed', async () => {
    const closed: string[] = [];
    async function* body(name: string, text: string) {
      try {
        for (const line of text.split('\n')) yield Buffer.from(`${line}\n`);
      } finally {
        closed.push(name);
      }
    }
    for await (const _row of readCsvRows(body('early', 'a,b\n1,2\n3,4\n5,6'), LIMITS)) break;
    assert.equal((await readAll(body('malformed', 'a,b\n1,2,3\n4,5\n6,7'))).error?.kind, 'invalid-input');
    // The parser's failure closes the body as the pipeline tears down, a few turns after the error.
    for (let turn = 0; turn < 10 && closed.length < 2; turn++) await new Promise(setImmediate);
    assert.deepEqual(closed, ['early', 'malformed']);
  });

  it('keeps memory flat through 200,000 rows (live heap printed)', async () => {
    let bytes = 0;
    async function* body() {
      yield Buffer.from('\uFEFFid;rdfs:label;w3geo:latitude;note\r\n');
      for (let i = 0; i < 200_000; i += 500) {
        const lines = Array.from(
          { length: 500 },
          (_, k) => `row-${i + k};"Gouffre de l'Été; n°${i + k}";45.1;${'x'.repeat(200)}\r\n`,
        );
        const batch = Buffer.from(lines.join(''));
        bytes += batch.length;
        yield batch;
      }
    }
    const { count, growth } = await liveHeapGrowth(readCsvRows(body(), LIMITS));
    console.log(
      `      ${count} rows, ${(bytes / 1e6).toFixed(0)} MB of CSV, live heap growth ${growth.toFixed(2)} MB`,
    );
    assert.equal(count, 200_000);
    assert.ok(growth < 16, `the live heap grew by ${growth.toFixed(1)} MB`);
  });

  it('keeps memory flat for short lines under a wide header (a cell per line, not a column per line)', async () => {
    const header = Array.from({ length: 500 }, (_, i) => `column number ${i}`).join(',');
    async function* body() {
      yield Buffer.from(`${header}\n`);
      // 64 KB pieces of 32,768 records each, which the parser shapes all at once.
      for (let i = 0; i < 8; i++) yield Buffer.alloc(65_536, 'x\n');
    }
    // Measured twice a piece: each measure is a full collection of the test process's heap, which holds
    // the whole suite's leftovers (every 4,096 rows, the test took 40-60 s of collections in CI).
    const { count, growth } = await liveHeapGrowth(
      readCsvRows(body(), { ...LIMITS, maxColumns: 500 }),
      16_384,
    );
    assert.equal(count, 8 * 32_768);
    assert.ok(growth < 16, `the live heap grew by ${growth.toFixed(1)} MB`);
  });

  it('refuses a header with more named columns than allowed, or ten times as many cells', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const limits = { ...LIMITS, maxColumns: 500 };
    const wide = await readAll(chunksOf(Buffer.from(`${names(501)}\n1\n`), [4096]), limits);
    assert.deepEqual(wide, { rows: [], error: invalid('Too many columns: 501 (max 500)') });
    const padded = await readAll(chunksOf(Buffer.from(`${names(500)},,,\n1\n`), [4096]), limits);
    assert.deepEqual(padded, { rows: [{ c0: '1' }] });
    // Cells, empty ones included, past ten per column allowed: refused before the header is parsed.
    const trailing = await readAll(chunksOf(Buffer.from(`a,b${','.repeat(4998)}\n1\n`), [4096]), limits);
    assert.deepEqual(trailing, { rows: [{ a: '1' }] });
    const endless = await readAll(chunksOf(Buffer.from(`a,b${','.repeat(4999)}\n1\n`), [4096]), limits);
    assert.deepEqual(endless, {
      rows: [],
      error: invalid('The CSV header has 5001 columns or more; at most 500 named columns can be imported.'),
    });
    // However far into the line the cells begin: past a quoted name of over a megabyte, say.
    const hidden = Buffer.from(`"${'n'.repeat(1_100_000)}"${','.repeat(6000)}\n1\n`);
    assert.deepEqual((await readAll(chunksOf(hidden, [65_536]), limits)).error, endless.error);
    // A blank line is skipped whatever its width, up to ten cells per column allowed.
    const blanks = await readAll(chunksOf(Buffer.from(`a,b\n${','.repeat(4000)}\n1,2\n`), [4096]), limits);
    assert.deepEqual(blanks, { rows: [{ a: '1', b: '2' }] });
    const wideBlank = await readAll(chunksOf(Buffer.from(`a,b\n${','.repeat(6000)}\n1,2\n`), [4096]), limits);
    assert.deepEqual(wideBlank.error, unreadable(2, 'a row has more than 5000 cells.'));
  });
});
