import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isDomainError } from '../../api/lib/core/errors';
import type { RowLimits } from '../../api/lib/http/bodies/bodyStream';
import { NOT_JSON_MESSAGE, readJsonRows } from '../../api/lib/http/bodies/jsonRows';

const LIMITS: RowLimits = { maxBytes: 1 << 30, limitText: '1gb', maxColumns: 500 };

/** The bytes in chunks of the given sizes, in turn (1: byte by byte), as Buffers or bare Uint8Arrays. */
async function* chunksOf(bytes: Buffer, sizes: readonly number[], plain = false) {
  for (let i = 0, k = 0; i < bytes.length; i += sizes[k++ % sizes.length]) {
    const piece = bytes.subarray(i, i + sizes[k % sizes.length]);
    yield plain ? new Uint8Array(piece) : piece;
  }
}

interface Outcome {
  rows: unknown[];
  error?: { kind: string; message: string };
}

async function readAll(
  body: AsyncIterable<Buffer | Uint8Array>,
  limits: RowLimits = LIMITS,
): Promise<Outcome> {
  const rows: unknown[] = [];
  try {
    for await (const { row } of readJsonRows(body, limits)) rows.push(row);
    return { rows };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { rows, error: { kind: error.kind, message: error.message } };
  }
}

const read = (text: string | Buffer, sizes = [7]) =>
  readAll(chunksOf(Buffer.isBuffer(text) ? text : Buffer.from(text), sizes));

describe('Import rows: streaming JSON body reader, its limits and its memory', () => {
  it('refuses a body past the limit with the caller’s wording, counting every byte', async () => {
    const body = Buffer.from('{"data":[{"a":"é"}]}');
    const limits = (maxBytes: number, limitText?: string) => ({ maxBytes, limitText, maxColumns: 500 });
    assert.deepEqual(await readAll(chunksOf(body, [4]), limits(body.length, '512mb')), {
      rows: [{ a: 'é' }],
    });
    assert.deepEqual((await readAll(chunksOf(body, [4]), limits(body.length - 1, '512mb'))).error, {
      kind: 'too-large',
      message: 'Request body is larger than the 512mb limit. Split the file into smaller imports.',
    });
    assert.match(
      (await readAll(chunksOf(body, [50]), limits(10))).error?.message ?? '',
      /the 10 bytes limit/,
    );
  });

  it('walks 100,000 levels of nesting without a stack, inside a row or a skipped key', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const outcome = await read(`{"skip":${deep(100_000)},"data":[{"cell":${deep(100_000)}}]}`, [4096]);
    assert.equal(outcome.error, undefined);
    let depth = 0;
    for (let v = (outcome.rows[0] as { cell: unknown }).cell; Array.isArray(v); v = v[0]) depth++;
    assert.equal(depth, 100_000);
    const broken = await read(`{"data":[{"cell":${deep(100_000).slice(1)}}]}`, [4096]);
    assert.equal(broken.error?.message, NOT_JSON_MESSAGE);
  });

  it('refuses a row longer than 4 MB or holding more values than its columns allow, before parsing it', async () => {
    const row = (cells: string) => `{"data":[{"id":"a"},{"id":"b",${cells}}]}`;
    const limit = 2 * LIMITS.maxColumns + 10_000;
    const refused = (line: number) =>
      `The row at line ${line} is longer than 4 MB or holds more than ${limit} values: a row has at most ${LIMITS.maxColumns} columns, each text or a number.`;
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',');
    const cases: [string, string | undefined][] = [
      [row(`"long":"${'x'.repeat(4 * 1024 * 1024)}"`), refused(3)],
      [row(keys(limit / 2 + 1)), refused(3)],
      [row(`"list":[${Array.from({ length: limit }, () => 1).join(',')}]`), refused(3)],
      [
        `{"other":"${'y'.repeat(4 * 1024 * 1024)}","data":[{"id":"a"}]}`,
        'A value of the body outside "data" is longer than 4 MB or holds more than 11000 values.',
      ],
      // Just inside: a long cell, and as many values as allowed (a row that then fails one by one).
      [row(`"long":"${'x'.repeat(3.5 * 1024 * 1024)}"`), undefined],
      [row(keys(limit / 2 - 1)), undefined],
    ];
    for (const [body, message] of cases) {
      const outcome = await read(body, [65_536]);
      if (message === undefined) assert.equal(outcome.error, undefined);
      else {
        assert.deepEqual(outcome.error, { kind: 'invalid-input', message });
        assert.ok(outcome.rows.length <= 1, 'the refused row is never yielded');
      }
    }
  });

  it('hands the event loop back while reading a large body delivered in one chunk', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `{"id":"${i}","label":"${'x'.repeat(200)}"}`);
    const body = Buffer.from(`{"data":[${rows.join(',')}]}`);
    let turns = 0;
    let reading = true;
    const tick = () => {
      if (!reading) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const outcome = await readAll(chunksOf(body, [body.length]));
    reading = false;
    assert.equal(outcome.rows.length, 20_000);
    assert.ok(turns >= 4, `only ${turns} turns of the event loop while reading ${body.length} bytes`);
  });

  it('closes the body when the caller stops reading early', async () => {
    let closed = false;
    async function* body() {
      try {
        yield Buffer.from('{"data":[{"a":1},');
        yield Buffer.from('{"a":2}]}');
      } finally {
        closed = true;
      }
    }
    for await (const _row of readJsonRows(body(), LIMITS)) break;
    assert.ok(closed);
  });

  it('keeps memory flat through 200,000 rows (live heap printed)', async () => {
    // The live heap, after a full collection: what the reader holds, not garbage awaiting collection.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const rowText = (i: number) =>
      JSON.stringify({ id: `row-${i}`, 'rdfs:label': `Gouffre de l’Été ${i}`, note: 'x'.repeat(400) });
    let bytes = 0;
    async function* body() {
      yield Buffer.from('{"data":[');
      for (let i = 0; i < 200_000; i += 500) {
        const rows = Array.from({ length: 500 }, (_, k) => rowText(i + k)).join(',');
        const batch = Buffer.from(i + 500 < 200_000 ? `${rows},` : rows);
        bytes += batch.length;
        yield batch;
      }
      yield Buffer.from(']}');
    }
    const before = liveHeap();
    let growth = Number.NEGATIVE_INFINITY;
    let count = 0;
    for await (const _row of readJsonRows(body(), LIMITS)) {
      if (++count % 20_000 === 0) growth = Math.max(growth, (liveHeap() - before) / 1e6);
    }
    console.log(
      `      ${count} rows, ${(bytes / 1e6).toFixed(0)} MB of JSON, live heap growth ${growth.toFixed(2)} MB`,
    );
    assert.equal(count, 200_000);
    assert.ok(growth < 16, `the live heap grew by ${growth.toFixed(1)} MB`);
  });
});
