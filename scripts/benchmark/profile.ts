/**
 * A per-statement profile of one import from pg_stat_statements (loaded by the benchmark's own
 * embedded server with `--profile`; track = all, so the statements the foreign-key triggers run
 * appear too, and their time is also inside the statement that fired them).
 */
import type pg from 'pg';

export interface StatementCost {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  toplevel: boolean;
}

export interface Profile {
  /** Execution time of every top-level statement of the database, the import's and the pollers'. */
  topLevelMs: number;
  statements: StatementCost[];
}

/** Whether pg_stat_statements answers; creates the extension when it is loaded. */
export async function profilingAvailable(pool: pg.Pool): Promise<string | null> {
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await pool.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function resetProfile(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT pg_stat_statements_reset()');
}

const OWN = `query NOT ILIKE '%pg_stat_statements%'`;

export async function readProfile(pool: pg.Pool, top = 15): Promise<Profile> {
  const { rows } = await pool.query<{
    query: string;
    calls: string;
    total: number;
    rows: string;
    toplevel: boolean;
  }>(
    `SELECT query, calls, total_exec_time AS total, rows, toplevel FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND ${OWN}
      ORDER BY total_exec_time DESC LIMIT $1`,
    [top],
  );
  const sum = await pool.query<{ ms: number | null }>(
    `SELECT sum(total_exec_time) AS ms FROM pg_stat_statements WHERE toplevel AND ${OWN}`,
  );
  return {
    topLevelMs: Number(sum.rows[0].ms ?? 0),
    statements: rows.map((row) => ({
      query: row.query.replace(/\s+/g, ' ').trim(),
      calls: Number(row.calls),
      totalMs: row.total,
      meanMs: row.total / Math.max(1, Number(row.calls)),
      rows: Number(row.rows),
      toplevel: row.toplevel,
    })),
  };
}

export function printProfile(profile: Profile, rows: number): void {
  const pad = (text: string, width: number) => text.padStart(width);
  console.log(
    `\nPer-statement profile of one ${rows.toLocaleString('en')}-row JSON import (pg_stat_statements)`,
  );
  console.log(`  top-level statements took ${(profile.topLevelMs / 1000).toFixed(1)} s in all`);
  console.log(`  ${pad('total s', 8)} ${pad('calls', 9)} ${pad('mean ms', 9)} ${pad('rows', 9)}  statement`);
  for (const s of profile.statements) {
    const nested = s.toplevel ? '' : '(nested) ';
    console.log(
      `  ${pad((s.totalMs / 1000).toFixed(2), 8)} ${pad(String(s.calls), 9)} ${pad(s.meanMs.toFixed(2), 9)} ` +
        `${pad(String(s.rows), 9)}  ${nested}${s.query.slice(0, 150)}`,
    );
  }
}
