/**
 * Affinity chunking (SPEC 7): rows sharing an import key go to the same chunk, in line order, so
 * one worker sees every row of a key and classifies later ones as duplicates of the first.
 *
 * - Key groups are placed in order of their first line. A chunk closes before a group that would
 *   overflow it; a group larger than the chunk size forms one oversize chunk of its own.
 * - Rows without a key belong to no group: they fill the room groups leave, in line order.
 * - Pure and deterministic: same rows and size, same chunks.
 */
export function assignChunks(keys: readonly (string | undefined)[], chunkSize: number): number[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new RangeError('chunkSize must be a positive integer');

  const groups = new Map<string, number[]>();
  const keyless: number[] = [];
  keys.forEach((key, index) => {
    if (key === undefined) {
      keyless.push(index);
      return;
    }
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });

  const chunkOf = new Array<number>(keys.length);
  let chunk = 0;
  let used = 0;
  let nextKeyless = 0;
  const fillWithKeyless = () => {
    while (used < chunkSize && nextKeyless < keyless.length) {
      chunkOf[keyless[nextKeyless++]] = chunk;
      used++;
    }
  };
  const close = () => {
    fillWithKeyless();
    chunk++;
    used = 0;
  };

  for (const group of groups.values()) {
    if (used > 0 && used + group.length > chunkSize) close();
    for (const index of group) chunkOf[index] = chunk;
    used += group.length;
    if (used >= chunkSize) close();
  }
  // What is left of the keyless rows fills the last open chunk, then new ones.
  while (nextKeyless < keyless.length) {
    fillWithKeyless();
    if (nextKeyless < keyless.length) close();
  }
  return chunkOf;
}

export function countChunks(chunkOf: readonly number[]): number {
  let max = -1;
  for (const chunk of chunkOf) if (chunk > max) max = chunk;
  return max + 1;
}
