import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDomainError } from '../../api/lib/core/errors';
import type { RowLimits } from '../../api/lib/http/bodies/bodyStream';
import {
  NO_DATA_MESSAGE,
  NOT_JSON_MESSAGE,
  REPEATED_DATA_MESSAGE,
  readJsonRows,
} from '../../api/lib/http/bodies/jsonRows';

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

const isPlainObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The oracle: what body-parser's json() (strict) and readImportRows made of the same bytes. Its
 * decoding (iconv-lite) drops a BOM and turns invalid UTF-8 into U+FFFD as Buffer#toString does; an
 * empty body is `{}`; a top-level value that is not an object or array is a syntax error.
 */
function expected(bytes: Buffer): { rows: unknown[] } | { message: string } {
  let text = bytes.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.length === 0) return { message: NO_DATA_MESSAGE };
  const first = /^[ \t\n\r]*(.?)/su.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { message: NOT_JSON_MESSAGE };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: NOT_JSON_MESSAGE };
  }
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0 || !data.every(isPlainObject)) {
    return { message: NO_DATA_MESSAGE };
  }
  return { rows: data };
}

function assertLikeOracle(bytes: Buffer, outcome: Outcome): void {
  const want = expected(bytes);
  if ('rows' in want) {
    assert.equal(outcome.error, undefined, `unexpected error for ${JSON.stringify(bytes.toString())}`);
    assert.deepStrictEqual(outcome.rows, want.rows);
  } else {
    // Rows yielded before the error are fine: the caller rolls them back.
    assert.deepEqual(outcome.error, { kind: 'invalid-input', message: want.message });
  }
}

// Text that stresses the scanner: quotes, backslashes, brackets in strings, controls, multi-byte.
const TRICKY = [...'"\\{}[],:\n\u0000\u001f é\u2028', '😀'];
const unit = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const text = fc.string({ unit, maxLength: 10 });
const json = (maxDepth: number) => fc.jsonValue({ maxDepth });
const cell = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), json(3));
const row = fc.dictionary(fc.oneof(text, fc.constantFrom('__proto__', 'data')), cell, { maxKeys: 5 });
const element = fc.oneof({ arbitrary: row, weight: 15 }, { arbitrary: json(2), weight: 1 });
const extras = fc.array(
  fc.tuple(
    text.filter((key) => key !== 'data'),
    json(3),
  ),
  { maxLength: 3 },
);
const bodyArb = fc.record({
  bom: fc.boolean(),
  before: extras,
  after: extras,
  data: fc.option(fc.array(element, { maxLength: 8 }), { freq: 8 }),
  pretty: fc.boolean(),
  ws: fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 8, maxLength: 8 }),
});
type BodySpec = typeof bodyArb extends fc.Arbitrary<infer T> ? T : never;

/** `{ ...before, "data": [...], ...after }` as text, with the spec's whitespace between tokens. */
function bodyText(spec: BodySpec): string {
  const w = spec.ws;
  const value = (v: unknown) => JSON.stringify(v, null, spec.pretty ? 2 : undefined);
  const member = ([key, v]: [string, unknown]) => `${JSON.stringify(key)}${w[0]}:${w[1]}${value(v)}`;
  const members = spec.before.map(member);
  if (spec.data !== null) {
    members.push(`"data"${w[2]}:${w[3]}[${w[4]}${spec.data.map(value).join(`${w[5]},${w[6]}`)}${w[4]}]`);
  }
  members.push(...spec.after.map(member));
  return `${spec.bom ? '\uFEFF' : ''}${w[7]}{${w[1]}${members.join(`${w[2]},${w[5]}`)}${w[3]}}${w[6]}`;
}

const sizes = fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 });
const chunking = fc.record({ sizes: fc.oneof(fc.constant([1]), sizes), plain: fc.boolean() });

const edits = fc.constantFrom('delete', 'insert', 'replace', 'truncate');
const mutation = fc.tuple(edits, fc.nat(), fc.constantFrom(...Buffer.from('{}[]",:\\ 0a\u0000'), 0xff, 0xc3));

function mutate(bytes: Buffer, [edit, at, byte]: [string, number, number]): Buffer {
  const i = at % (bytes.length + 1);
  if (edit === 'truncate') return bytes.subarray(0, i);
  const b = Buffer.from([byte]);
  if (edit === 'insert') return Buffer.concat([bytes.subarray(0, i), b, bytes.subarray(i)]);
  return Buffer.concat([bytes.subarray(0, i), edit === 'replace' ? b : b.subarray(1), bytes.subarray(i + 1)]);
}

describe('Import rows: streaming JSON body reader', () => {
  it('yields exactly what JSON.parse of the whole body gives, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, chunking, async (spec, { sizes, plain }) => {
        const bytes = Buffer.from(bodyText(spec));
        assertLikeOracle(bytes, await readAll(chunksOf(bytes, sizes, plain)));
      }),
      { numRuns: 300 },
    );
  });

  it('answers damaged bodies as body-parser did: not JSON, or no usable "data"', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        chunking,
        async (spec, m, c) => {
          const bytes = m.reduce(mutate, Buffer.from(bodyText(spec)));
          assertLikeOracle(bytes, await readAll(chunksOf(bytes, c.sizes, c.plain)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the oracle on any JSON value and on token soup', async () => {
    const tokens = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      ',',
      ':',
      ' ',
      '"data"',
      '1',
      '-2.5e3',
      'true',
      'null',
    );
    const soup = fc.array(fc.oneof(tokens, fc.constantFrom('{"data":[', '{"a":1}', '\\', 'x')), {
      maxLength: 25,
    });
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      soup.map((t) => t.join('')),
    );
    await fc.assert(
      fc.asyncProperty(bodies, chunking, async (body, c) => {
        const bytes = Buffer.from(body);
        assertLikeOracle(bytes, await readAll(chunksOf(bytes, c.sizes, c.plain)));
      }),
      { numRuns: 400 },
    );
  });

  it('turns invalid UTF-8 into U+FFFD as body-parser did, wherever the chunks split it', async () => {
    const bytes = fc
      .uint8Array({ maxLength: 12 })
      .map((a) => Buffer.from(a.map((x) => (x < 0x40 ? 0x61 : x))));
    await fc.assert(
      fc.asyncProperty(bytes, bytes, chunking, async (cell, key, c) => {
        const body = Buffer.concat([
          Buffer.from('{"data":[{"'),
          key,
          Buffer.from('":"'),
          cell,
          Buffer.from('"}]}'),
        ]);
        assertLikeOracle(body, await readAll(chunksOf(body, c.sizes, c.plain)));
      }),
    );
  });

  it('gives each answer its exact message', async () => {
    const cases: [string, string][] = [
      ['', NO_DATA_MESSAGE],
      ['\uFEFF', NO_DATA_MESSAGE],
      ['  \n', NOT_JSON_MESSAGE],
      ['"data"', NOT_JSON_MESSAGE],
      ['42', NOT_JSON_MESSAGE],
      ['[{"a":1}]', NO_DATA_MESSAGE],
      ['{}', NO_DATA_MESSAGE],
      ['{"rows":[{"a":1}]}', NO_DATA_MESSAGE],
      ['{"data":{"a":1}}', NO_DATA_MESSAGE],
      ['{"data":[]}', NO_DATA_MESSAGE],
      ['{"data":[{"a":1},null]}', NO_DATA_MESSAGE],
      ['{"data":[{"a":1},[1]]}', NO_DATA_MESSAGE],
      ['{"data":[{"a":1},"x"]}', NO_DATA_MESSAGE],
      ['{"data":[{"a":1}],"data":[{"b":2}]}', REPEATED_DATA_MESSAGE],
      ['{"data":[{"a":1}]', NOT_JSON_MESSAGE],
      ['{"data":[{"a":1}]} x', NOT_JSON_MESSAGE],
      ['{"data":[{"a":1},]}', NOT_JSON_MESSAGE],
      ['{"data":[{"a":1}],}', NOT_JSON_MESSAGE],
      ['{"data":[{"a":1}],"note":[1,2,}', NOT_JSON_MESSAGE],
      ['{"data":[null],"note":tru}', NOT_JSON_MESSAGE],
      ['{"data":[{"a":"\\x"}]}', NOT_JSON_MESSAGE],
      ['{"data":[{"a":"tab\there"}]}', NOT_JSON_MESSAGE],
      ['{"data":[{"a":[1}]}', NOT_JSON_MESSAGE],
    ];
    for (const [body, message] of cases) {
      const outcome = await read(body, [3]);
      assert.deepEqual(outcome.error, { kind: 'invalid-input', message }, body);
    }
  });

  it('reads keys as JSON does, keeps other keys out, and yields rows before an error further on', async () => {
    const ok = await read(
      '\uFEFF { "meta" : {"data": [1]}, "d\\u0061ta" : [ {"__proto__": "x", "é": "😀"} ] , "n": 1 }',
    );
    assert.deepStrictEqual(ok, { rows: [JSON.parse('{"__proto__": "x", "é": "😀"}')] });
    const late = await read('{"data":[{"a":1},{"a":2}],"note":"unclosed}');
    assert.deepEqual(late, {
      rows: [{ a: 1 }, { a: 2 }],
      error: { kind: 'invalid-input', message: NOT_JSON_MESSAGE },
    });
  });
});
