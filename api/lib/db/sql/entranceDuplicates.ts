/** t_entrance_duplicate: the rows an import found already imported, kept for a moderator to review. */
import type { Queryable } from '../pool';

export interface DuplicateInsert {
  /** The row as the import converted it. */
  content: unknown;
  /** The live entrance that already holds the row's import key. */
  id_entrance: number;
}

/** Records a chunk's duplicates, authored by the import's initiator, with one statement. */
export async function insertEntranceDuplicates(
  db: Queryable,
  batchId: string,
  authorId: number,
  duplicates: readonly DuplicateInsert[],
): Promise<void> {
  if (!duplicates.length) return;
  await db.query(
    `INSERT INTO t_entrance_duplicate (content, id_entrance, id_author, id_job_batch)
     SELECT r.content, r.id_entrance, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS r(content jsonb, id_entrance int)`,
    [JSON.stringify(duplicates), authorId, batchId],
  );
}
