/**
 * Changes to entrances outside the import's chunks: the entrance a moderator creates from a reviewed
 * duplicate (SPEC 12.2), and the soft deletion of everything a batch created (its revert, SPEC 13).
 */
import type { Queryable } from '../pool';

/**
 * An entrance a moderator creates from an entrance duplicate (SPEC 12.2): no import key (the
 * existing entrance keeps it), no batch (a moderator wrote it, not an import), and its origin in
 * `origin_id_entrance` (the entrance it duplicated, which holds the import key) and
 * `origin_id_job_batch` (the import that recorded the duplicate). Dated now: the resolution's time.
 */
export interface ResolvedEntranceInsert {
  id: number;
  id_cave: number;
  id_author: number;
  id_country: string | null;
  latitude: number;
  longitude: number;
  altitude: number | null;
  precision: number | null;
  date_reviewed: string | null;
  origin_id_entrance: number;
  origin_id_job_batch: string | null;
  /** The import key the row had: taken only if no live entrance holds it. */
  id_db_import: string | null;
  name_db_import: string | null;
}

export async function insertResolvedEntrance(db: Queryable, entrance: ResolvedEntranceInsert): Promise<void> {
  // With the import key when no live entrance holds it (the key's unique index says so, atomically),
  // without it otherwise.
  const { rows } = await db.query(
    `INSERT INTO t_entrance (id, id_cave, id_author, id_country, latitude, longitude, altitude, precision,
                             date_inscription, date_reviewed, origin_id_entrance, origin_id_job_batch,
                             id_db_import, name_db_import)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9, $10, $11, $12, $13)
     ON CONFLICT (id_db_import, name_db_import) WHERE NOT is_deleted AND id_db_import IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      entrance.id,
      entrance.id_cave,
      entrance.id_author,
      entrance.id_country,
      entrance.latitude,
      entrance.longitude,
      entrance.altitude,
      entrance.precision,
      entrance.date_reviewed,
      entrance.origin_id_entrance,
      entrance.origin_id_job_batch,
      entrance.id_db_import,
      entrance.name_db_import,
    ],
  );
  if (rows.length) return;
  await db.query(
    `INSERT INTO t_entrance (id, id_cave, id_author, id_country, latitude, longitude, altitude, precision,
                             date_inscription, date_reviewed, origin_id_entrance, origin_id_job_batch)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9, $10, $11)`,
    [
      entrance.id,
      entrance.id_cave,
      entrance.id_author,
      entrance.id_country,
      entrance.latitude,
      entrance.longitude,
      entrance.altitude,
      entrance.precision,
      entrance.date_reviewed,
      entrance.origin_id_entrance,
      entrance.origin_id_job_batch,
    ],
  );
}

/** What reverting a batch soft-deleted (and, for its duplicates, deleted). */
export interface RevertedCounts {
  entrances: number;
  caves: number;
  names: number;
  descriptions: number;
  locations: number;
  duplicates: number;
}

/**
 * Soft-deletes everything a batch created, found through its rows' outcomes (so the entrances later
 * batches or moderators created are never touched), and deletes the duplicates it recorded: two
 * statements, in the caller's transaction. A deleted entrance frees its import key (the unique index
 * covers live entrances only), so the same rows import again as new entrances.
 */
export async function softDeleteBatchCreations(db: Queryable, batchId: string): Promise<RevertedCounts> {
  // The duplicates first, in a statement of their own: a moderator creating an entrance from one of
  // them deletes it first too, then inserts an entrance, so both take the duplicate before the
  // entrance and neither can wait on the other in a cycle.
  const deleted = await db.query<{ n: number }>(
    `WITH duplicates AS (DELETE FROM t_entrance_duplicate WHERE id_job_batch = $1 RETURNING 1)
     SELECT count(*)::int AS n FROM duplicates`,
    [batchId],
  );
  const { rows } = await db.query<Omit<RevertedCounts, 'duplicates'>>(
    `WITH created AS (
       SELECT id_entrance, id_cave FROM t_job_batch_outcome WHERE id_job_batch = $1 AND outcome = 'success'
     ), entrances AS (
       UPDATE t_entrance t SET is_deleted = true FROM created c
        WHERE t.id = c.id_entrance AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     ), caves AS (
       UPDATE t_cave t SET is_deleted = true FROM created c
        WHERE t.id = c.id_cave AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     ), entrance_names AS (
       UPDATE t_name t SET is_deleted = true FROM created c
        WHERE t.id_entrance = c.id_entrance AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     ), cave_names AS (
       UPDATE t_name t SET is_deleted = true FROM created c
        WHERE t.id_cave = c.id_cave AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     ), descriptions AS (
       UPDATE t_description t SET is_deleted = true FROM created c
        WHERE t.id_entrance = c.id_entrance AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     ), locations AS (
       UPDATE t_location t SET is_deleted = true FROM created c
        WHERE t.id_entrance = c.id_entrance AND t.id_job_batch = $1 AND NOT t.is_deleted RETURNING t.id
     )
     SELECT (SELECT count(*) FROM entrances)::int AS entrances,
            (SELECT count(*) FROM caves)::int AS caves,
            (SELECT count(*) FROM entrance_names)::int + (SELECT count(*) FROM cave_names)::int AS names,
            (SELECT count(*) FROM descriptions)::int AS descriptions,
            (SELECT count(*) FROM locations)::int AS locations`,
    [batchId],
  );
  return { ...rows[0], duplicates: deleted.rows[0].n };
}
