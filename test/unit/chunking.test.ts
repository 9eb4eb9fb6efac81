import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignChunks, countChunks } from '../../api/lib/rows/chunking';

/** Rows as their keys: a small alphabet so keys repeat, undefined for rows without a key. */
const keysArb = fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { nil: undefined }), {
  maxLength: 200,
});
const sizeArb = fc.integer({ min: 1, max: 12 });

function chunksOf(chunkOf: number[]): number[][] {
  const chunks: number[][] = Array.from({ length: countChunks(chunkOf) }, () => []);
  chunkOf.forEach((chunk, index) => {
    chunks[chunk].push(index);
  });
  return chunks;
}

describe('CSVImportQueueService: affinity chunking', () => {
  it('puts every row in exactly one chunk, and leaves no chunk empty', () => {
    fc.assert(
      fc.property(keysArb, sizeArb, (keys, size) => {
        const chunkOf = assignChunks(keys, size);
        assert.equal(chunkOf.length, keys.length);
        for (const chunk of chunkOf) assert.ok(Number.isInteger(chunk) && chunk >= 0);
        const chunks = chunksOf(chunkOf);
        assert.equal(
          chunks.reduce((sum, c) => sum + c.length, 0),
          keys.length,
        );
        for (const chunk of chunks) assert.ok(chunk.length > 0, 'empty chunk');
      }),
    );
  });

  it('keeps rows that share a key in one chunk, in line order', () => {
    fc.assert(
      fc.property(keysArb, sizeArb, (keys, size) => {
        const chunkOf = assignChunks(keys, size);
        const chunkOfKey = new Map<string, number>();
        keys.forEach((key, index) => {
          if (key === undefined) return;
          const seen = chunkOfKey.get(key);
          if (seen === undefined) chunkOfKey.set(key, chunkOf[index]);
          else assert.equal(chunkOf[index], seen, `key ${key} split across chunks`);
        });
        // Workers read a chunk ordered by line, so same-key rows keep their order: check the order
        // of indices inside each chunk is ascending as produced.
        for (const chunk of chunksOf(chunkOf))
          assert.deepEqual(
            chunk,
            [...chunk].sort((x, y) => x - y),
          );
      }),
    );
  });

  it('exceeds the chunk size only for a chunk holding one key group larger than the size', () => {
    fc.assert(
      fc.property(keysArb, sizeArb, (keys, size) => {
        for (const chunk of chunksOf(assignChunks(keys, size))) {
          if (chunk.length <= size) continue;
          const chunkKeys = new Set(chunk.map((index) => keys[index]));
          assert.equal(chunkKeys.size, 1, `oversize chunk mixes ${[...chunkKeys].join(',')}`);
          assert.ok(!chunkKeys.has(undefined), 'oversize chunk of keyless rows');
        }
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(keysArb, sizeArb, (keys, size) => {
        assert.deepEqual(assignChunks(keys, size), assignChunks([...keys], size));
      }),
    );
  });

  it('closes a chunk before a group that would overflow it, and fills free room with keyless rows', () => {
    // a a | b b b | (keyless fill the room left)
    assert.deepEqual(assignChunks(['a', 'a', 'b', 'b', 'b'], 3), [0, 0, 1, 1, 1]);
    assert.deepEqual(assignChunks(['a', 'a', undefined, 'b', 'b', 'b'], 3), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(assignChunks(['a', 'a', 'a', 'a', 'b'], 3), [0, 0, 0, 0, 1]);
    assert.deepEqual(assignChunks([], 3), []);
  });

  it('rejects a chunk size that is not a positive integer', () => {
    assert.throws(() => assignChunks(['a'], 0), RangeError);
    assert.throws(() => assignChunks(['a'], 1.5), RangeError);
  });
});
