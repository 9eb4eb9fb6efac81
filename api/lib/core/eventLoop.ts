/**
 * Long loops over rows hand the event loop back every so often, so no request or chunk holds it for
 * more than a few milliseconds at a time (SPEC 14): health checks, polls and other imports go on.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Maps the items in slices, giving the event loop a turn between slices. */
export async function mapInTurns<T, R>(
  items: readonly T[],
  perTurn: number,
  map: (item: T, index: number) => R,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let index = 0; index < items.length; index++) {
    if (index > 0 && index % perTurn === 0) await nextTurn();
    out[index] = map(items[index], index);
  }
  return out;
}
