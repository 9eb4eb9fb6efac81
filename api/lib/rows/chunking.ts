/**
 * Affinity chunking (SPEC 7): rows sharing an import key go to the same chunk, in line order, so
 * one worker sees every row of a key and classifies later ones as duplicates of the first.
 *
 * - Key groups are placed in order of their first line. A chunk closes before a group that would
 *   overflow it; a group larger than the chunk size forms one oversize chunk of its own.
 * - A row without a key is a group of its own: it fills the room the groups around it leave.
 * - Deterministic: same groups and size, same chunks. The planner sees one group at a time, so a
 *   file of a million rows is chunked from its staged groups without holding them.
 */
export class ChunkPlanner {
  private chunk = 0;
  private used = 0;

  constructor(private readonly chunkSize: number) {
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new RangeError('chunkSize must be a positive integer');
  }

  /** The chunk of the next group, of `size` rows. */
  place(size: number): number {
    if (this.used > 0 && this.used + size > this.chunkSize) this.close();
    const chunk = this.chunk;
    this.used += size;
    if (this.used >= this.chunkSize) this.close();
    return chunk;
  }

  /** How many chunks the groups placed so far fill. */
  get chunkCount(): number {
    return this.used > 0 ? this.chunk + 1 : this.chunk;
  }

  private close(): void {
    this.chunk++;
    this.used = 0;
  }
}

/** The chunk of each row, from the rows' import keys (undefined: no key), in line order. */
export function assignChunks(keys: readonly (string | undefined)[], chunkSize: number): number[] {
  const planner = new ChunkPlanner(chunkSize);
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const group = groups.get(key ?? `\u0000row ${index}`);
    if (group) group.push(index);
    else groups.set(key ?? `\u0000row ${index}`, [index]);
  });
  const chunkOf = new Array<number>(keys.length);
  for (const rows of groups.values()) {
    const chunk = planner.place(rows.length);
    for (const index of rows) chunkOf[index] = chunk;
  }
  return chunkOf;
}

export function countChunks(chunkOf: readonly number[]): number {
  let max = -1;
  for (const chunk of chunkOf) if (chunk > max) max = chunk;
  return max + 1;
}
