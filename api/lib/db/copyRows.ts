/**
 * Rows written with COPY FROM STDIN on the connection of the caller's transaction: the physical floor
 * of an insert, without the parse of a JSON parameter and the set-returning function a multi-row
 * INSERT … SELECT pays. For plain inserts only (no ON CONFLICT, no expressions): column defaults
 * apply to the columns left out.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { Queryable } from './pool';

export type CopyValue = string | number | boolean | null | undefined;

/**
 * COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped; \N is
 * null. Native passes rather than a callback per character: a cell of a million backslashes costs
 * milliseconds, not a tenth of a second of the event loop.
 */
function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/**
 * Copies `rows` (values in the order of `columns`) into `table`. `db` must be a transaction's client
 * (a pg client, or pg-boss's handle on one): its query() hands a COPY stream straight to the
 * connection, which a pool could not.
 */
export async function copyRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly CopyValue[])[],
): Promise<void> {
  if (!rows.length) return;
  const text = rows.map((row) => `${row.map(copyField).join('\t')}\n`).join('');
  const query = copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
  const copy = (await (db as unknown as { query(stream: unknown): unknown }).query(query)) as Writable;
  const done = Promise.race([
    once(copy, 'finish'),
    once(copy, 'error').then(([error]) => Promise.reject(error)),
  ]);
  copy.end(text);
  await done;
}
