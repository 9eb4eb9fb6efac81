/**
 * Step 8, retention (SPEC 14): the staged row data of a batch that ended more than
 * IMPORT_RETENTION_DAYS ago is deleted; the batch, its summary and its reports stay. Run hourly,
 * a slice of rows per statement, so no transaction holds a million rows.
 */
import type { Queryable } from '../db/pool';
import { claimRowsForDeletion, findBatchesPastRetention } from '../db/sql/batches';
import { deleteStagedRows } from '../db/sql/batchRows';

const BATCHES_PER_RUN = 100;
const ROWS_PER_STATEMENT = 10_000;

export async function pruneStagedRows(
  db: Queryable,
  retentionDays: number,
): Promise<{ batches: number; rows: number }> {
  const batches = await findBatchesPastRetention(db, retentionDays, BATCHES_PER_RUN);
  let rows = 0;
  let pruned = 0;
  for (const batchId of batches) {
    // Claimed first, so a rebuild of its reports can never start on rows half deleted.
    if (!(await claimRowsForDeletion(db, batchId, retentionDays))) continue;
    pruned++;
    for (let deleted = -1; deleted !== 0; ) {
      deleted = await deleteStagedRows(db, batchId, ROWS_PER_STATEMENT);
      rows += deleted;
    }
  }
  return { batches: pruned, rows };
}
