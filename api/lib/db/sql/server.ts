/** Statements about the server and its databases rather than a table of ours. */
import type { Queryable } from '../pool';

/** One round trip: the database answers. */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

export async function databaseExists(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

/** Creates the database; one that another process created meanwhile is not an error. */
export async function createDatabase(
  db: Queryable,
  name: string,
  escapeIdentifier: (name: string) => string,
) {
  await db.query(`CREATE DATABASE ${escapeIdentifier(name)}`).catch((error: { code?: string }) => {
    if (error.code !== '42P04') throw error;
  });
}
