/**
 * Drives domain modules directly against the real database, for interleavings HTTP cannot force.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RowOutcome } from '../../api/lib/core/types';
import { insertBatch } from '../../api/lib/db/sql/batches';
import { resolveAuthors, writeEntrances } from '../../api/lib/pipeline/entranceWrites';
import { loadReferenceData } from '../../api/lib/rows/referenceData';
import { convertRow } from '../../api/lib/rows/rowConversion';
import { entranceRow } from './rows';

export const entranceWrites = {
  /**
   * Two transactions write the same new key: the first inserts and holds its transaction open while
   * the second looks the key up (not there yet) and inserts; the second must wait, then yield.
   */
  async raceForOneKey(
    pool: pg.Pool,
    initiatorId: number,
  ): Promise<{ winner: RowOutcome; loser: RowOutcome; entrancesWithKey: number }> {
    const reference = await loadReferenceData(pool);
    const batchId = randomUUID();
    await insertBatch(pool, {
      id: batchId,
      initiatorId,
      totalRows: 2,
      chunkSize: 1,
      totalChunks: 2,
      columns: [],
      chunkFirstLines: [2, 3],
    });
    const row = entranceRow({ id: `race-${batchId}` });
    const conversion = convertRow(row, 2, reference);
    if (!conversion.ok) throw new Error(conversion.message);
    const record = conversion.record;
    const context = {
      batchId,
      initiatorId,
      resolveAuthors: (names: string[]) => resolveAuthors(pool, names),
    };

    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('BEGIN');
      await second.query('BEGIN');
      const [winner] = await writeEntrances(first, [record], context);
      const losing = writeEntrances(second, [{ ...record, line: 3 }], context);
      // Let the second transaction reach the insert and block on the first one's key.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.query('COMMIT');
      const [loser] = await losing;
      await second.query('COMMIT');
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM t_entrance WHERE id_db_import = $1', [
        record.idDbImport,
      ]);
      return { winner, loser, entrancesWithKey: rows[0].n };
    } finally {
      await first.query('ROLLBACK').catch(() => {});
      await second.query('ROLLBACK').catch(() => {});
      first.release();
      second.release();
    }
  },
};

/**
 * Holds the import key of each row in a transaction of its own, as a concurrent import writing it
 * would: a chunk importing one of these rows waits at its entrance insert until the key is let go
 * (rolled back), then imports the row. Lets a test stop chunks mid-way and let them go one by one.
 */
export async function holdImportKeys(
  databaseUrl: string,
  initiatorId: number,
  rows: readonly object[],
): Promise<{ release(index: number): Promise<void>; releaseAll(): Promise<void> }> {
  // The batch they are written for exists nowhere: the transactions are rolled back, nothing stays.
  const batchId = randomUUID();
  // Authors are created outside the held transactions, committed, as a chunk creates them.
  const setup = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  const holders: (pg.Client | null)[] = [];
  const release = async (index: number) => {
    const holder = holders[index];
    holders[index] = null;
    if (!holder) return;
    await holder.query('ROLLBACK').catch(() => {});
    await holder.end().catch(() => {});
  };
  try {
    const reference = await loadReferenceData(setup);
    for (const row of rows) {
      const conversion = convertRow(row as Record<string, unknown>, 2, reference);
      if (!conversion.ok) throw new Error(conversion.message);
      const holder = new pg.Client({ connectionString: databaseUrl });
      holders.push(holder);
      await holder.connect();
      await holder.query('BEGIN');
      await writeEntrances(holder, [conversion.record], {
        batchId,
        initiatorId,
        resolveAuthors: (names: string[]) => resolveAuthors(setup, names),
      });
    }
  } catch (error) {
    await Promise.all(holders.map((_, index) => release(index)));
    throw error;
  } finally {
    await setup.end();
  }
  return {
    release,
    releaseAll: async () => {
      await Promise.all(holders.map((_, index) => release(index)));
    },
  };
}
