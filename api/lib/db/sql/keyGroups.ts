/**
 * A batch's key groups: the rows sharing an import key, which chunking places together. Read from
 * the staged rows in order of their first line; a key on several rows gets its chunk recorded in
 * t_job_batch_group (a row alone with its key is placed by its line: see batchRows.ts).
 */
import type { Queryable } from '../pool';

/** A key group as chunking sees it: its first line, its size, and its key's hash when it has several rows. */
export interface KeyGroup {
  firstLine: number;
  size: number;
  /** Only for a key on several rows: a row alone with its key is placed by its line. */
  keyHash: string | null;
}

/**
 * A batch's key groups, in order of their first line: what chunking places. Read through a cursor,
 * a page at a time (and handed on a page at a time), so a million groups never sit in memory. Must
 * run inside the transaction that staged the rows.
 */
export async function* readKeyGroups(
  db: Queryable,
  batchId: string,
  pageSize: number,
): AsyncGenerator<KeyGroup[]> {
  await db.query(
    `DECLARE batch_key_groups NO SCROLL CURSOR FOR
       SELECT min(line) AS "firstLine", count(*)::int AS size,
              CASE WHEN count(*) > 1 THEN key_hash::text END AS "keyHash"
         FROM t_job_batch_row WHERE id_job_batch = $1 GROUP BY key_hash ORDER BY min(line)`,
    [batchId],
  );
  try {
    for (;;) {
      const { rows } = await db.query<KeyGroup>(`FETCH ${Math.trunc(pageSize)} FROM batch_key_groups`);
      if (rows.length) yield rows;
      if (rows.length < pageSize) return;
    }
  } finally {
    await db.query('CLOSE batch_key_groups');
  }
}

/** Records the chunk of keys on several rows (rows alone with their key are placed by their line). */
export async function insertKeyGroups(
  db: Queryable,
  batchId: string,
  keyHashes: readonly string[],
  chunks: readonly number[],
): Promise<void> {
  if (!keyHashes.length) return;
  await db.query(
    `INSERT INTO t_job_batch_group (id_job_batch, key_hash, chunk)
     SELECT $1, k, c FROM unnest($2::bigint[], $3::int[]) AS g(k, c)`,
    [batchId, keyHashes, chunks],
  );
}
