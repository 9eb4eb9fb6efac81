/**
 * How a staged row is kept in t_job_batch_row.cells: a JSON array of its values in the order of the
 * batch's columns (t_job_batch.columns), null for a column the row leaves out. The column names,
 * written again on every row, were most of a row's JSON (100,000 benchmark rows: 69 MB as objects,
 * 27 MB as arrays): staging them, reading them back for a chunk, and keeping them for the retention
 * days all shrink with them. A row that leaves out most of the batch's columns is kept as an object
 * of its own cells, which it is shorter as; so are rows staged before this format. Readers take both.
 */
import { cellsOf, mapInTurns } from '../core/eventLoop';

type Cells = Readonly<Record<string, unknown>>;

/** A row is kept as an object when the nulls of its array would outnumber its cells by this many. */
const SPARSE_ROW_NULLS = 8;

/** Writes a batch's rows as they arrive, learning its columns from them. */
export class StagedRowEncoder {
  /** The batch's columns, in the order its rows first showed them: what t_job_batch.columns keeps. */
  readonly columns: string[] = [];
  private readonly positions = new Map<string, number>();

  /** The row as the JSON text staging stores. */
  encode(row: Cells): string {
    const values: unknown[] = [];
    const columns = Object.keys(row);
    for (const column of columns) {
      let position = this.positions.get(column);
      if (position === undefined) {
        position = this.columns.push(column) - 1;
        this.positions.set(column, position);
      }
      values[position] = row[column];
    }
    // A few cells among hundreds of columns: an array would be mostly nulls.
    if (values.length - columns.length > columns.length + SPARSE_ROW_NULLS) return JSON.stringify(row);
    // A column the row leaves out is a hole, which JSON.stringify writes as null.
    return JSON.stringify(values);
  }
}

/**
 * A staged row's cells by column, from its stored value and its batch's columns. A null reads as a
 * column left out: every reader of cells takes the two alike (a blank cell). Defined, not assigned:
 * a column named __proto__ stays a column, never the object's prototype.
 */
export function stagedCells(columns: readonly string[], data: unknown): Record<string, unknown> {
  if (!Array.isArray(data)) return data as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  const count = Math.min(data.length, columns.length);
  for (let i = 0; i < count; i++) {
    if (data[i] === null) continue;
    if (columns[i] === '__proto__') {
      Object.defineProperty(row, columns[i], {
        value: data[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else row[columns[i]] = data[i];
  }
  return row;
}

/** The cells of stored rows (stagedCells), giving the event loop a turn every few thousand cells. */
export function stagedCellsInTurns(
  columns: readonly string[],
  stored: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  return mapInTurns(stored, storedCellCount, (data) => stagedCells(columns, data));
}

function storedCellCount(data: unknown): number {
  if (Array.isArray(data)) return data.length || 1;
  return typeof data === 'object' && data !== null ? cellsOf(data) : 1;
}
