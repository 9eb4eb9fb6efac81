/** Query plans for tests that a read stays proportional to what it returns, whatever the statistics. */
import type pg from 'pg';
import type { Queryable } from '../../api/lib/db/pool';

export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/**
 * Rows the plan's nodes read from these tables, all loops counted: those they returned and those
 * they read only to drop (a filter after an index that matched part of the condition).
 */
export function rowsReadFrom(node: PlanNode, tables: readonly string[]): number {
  const perLoop =
    node['Actual Rows'] +
    (node['Rows Removed by Filter'] ?? 0) +
    (node['Rows Removed by Index Recheck'] ?? 0);
  const own = tables.includes(node['Relation Name'] ?? '') ? perLoop * node['Actual Loops'] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsReadFrom(child, tables), 0);
}

/** The executed plan of a statement, as EXPLAIN (ANALYZE) gives it. */
export async function executedPlan(db: Queryable, text: string, values?: unknown[]): Promise<PlanNode> {
  const { rows } = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    values,
  );
  return rows[0]['QUERY PLAN'][0].Plan;
}

/**
 * A connection for a data-layer function that runs its statements as EXPLAIN (ANALYZE) and keeps
 * their plans: the function sees no rows.
 */
export function explainingConnection(pool: pg.Pool): { db: Queryable; plans: PlanNode[] } {
  const plans: PlanNode[] = [];
  const db: Queryable = {
    async query(text, values) {
      plans.push(await executedPlan(pool, text, values));
      return { rows: [] };
    },
  };
  return { db, plans };
}

/**
 * Runs `body` with autovacuum off for these tables, so the statistics a plan test made stale stay
 * stale however long it runs (autovacuum would analyse a table that gained thousands of rows).
 */
export async function withStaleStatistics<T>(
  pool: pg.Pool,
  tables: readonly string[],
  body: () => Promise<T>,
): Promise<T> {
  for (const table of tables) await pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);
  try {
    return await body();
  } finally {
    // Never in place of the test's own failure: the test database is thrown away anyway.
    for (const table of tables) {
      await pool.query(`ALTER TABLE ${table} RESET (autovacuum_enabled)`).catch(() => {});
    }
  }
}
