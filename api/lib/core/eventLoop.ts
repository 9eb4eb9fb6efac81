/**
 * Long loops over rows hand the event loop back every so often, so no request or chunk holds it for
 * more than a few milliseconds at a time (SPEC 14): health checks, polls and other imports go on.
 * Work is counted in cells, not rows: a row of two thousand columns costs two thousand times more.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Cells handled between two turns of the event loop: a few milliseconds of conversion. */
export const CELLS_PER_TURN = 20_000;

/** The work a row stands for: its cells. */
export const cellsOf = (row: object): number => Object.keys(row).length || 1;

/** Maps the items, giving the event loop a turn each time their weights add up to `budget`. */
export async function mapInTurns<T, R>(
  items: readonly T[],
  weigh: (item: T) => number,
  map: (item: T, index: number) => R,
  budget = CELLS_PER_TURN,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let spent = 0;
  for (let index = 0; index < items.length; index++) {
    if (spent >= budget) {
      await nextTurn();
      spent = 0;
    }
    out[index] = map(items[index], index);
    spent += weigh(items[index]);
  }
  return out;
}
