/**
 * The cave data an import creates: t_entrance, t_cave, t_name, t_description, t_location. Names and
 * documents are copied (COPY FROM STDIN); entrances and caves, which need ON CONFLICT or defaults
 * computed in SQL, take all of a chunk's rows as one typed array per column expanded by `unnest`
 * (measured: a third faster than one JSON parameter expanded by `json_to_recordset`).
 * No statement meets PostgreSQL's 65,535-parameter limit and none runs once per row. The row types are
 * the tables' columns, named as in the tables. An entrance made from a duplicate, and the revert of a
 * batch, are in entranceChanges.ts.
 */
import { copyRows } from '../copyRows';
import type { Queryable } from '../pool';

export interface ImportKey {
  id_db_import: string;
  name_db_import: string;
}

export interface EntranceInsert extends ImportKey {
  id: number;
  id_cave: number;
  id_author: number;
  id_country: string;
  latitude: number;
  longitude: number;
  altitude: number | null;
  precision: number | null;
  /** `YYYY-MM-DD`, or null for now. */
  date_inscription: string | null;
  date_reviewed: string | null;
}

export interface CaveInsert {
  id: number;
  id_author: number;
  length: number | null;
  depth: number | null;
  latitude: number;
  longitude: number;
  date_inscription: string | null;
  date_reviewed: string | null;
}

/** A name belongs to exactly one of a cave or an entrance. */
export interface NameInsert {
  name: string;
  id_language: string;
  id_author: number;
  is_main: boolean;
  id_cave?: number;
  id_entrance?: number;
}

export interface DocumentInsert {
  body: string | null;
  id_language: string;
  id_author: number;
  id_license: number | null;
  id_entrance: number;
}

export interface DescriptionInsert extends DocumentInsert {
  title: string | null;
}

/** One array per column, in the order of `columns`: the parameters of an `unnest(...)` of rows. */
function columnsOf<T>(rows: readonly T[], columns: readonly (keyof T)[]): unknown[][] {
  return columns.map((column) => rows.map((row) => row[column]));
}

const ENTRANCE_COLUMNS = [
  'id',
  'id_cave',
  'id_author',
  'id_country',
  'latitude',
  'longitude',
  'altitude',
  'precision',
  'id_db_import',
  'name_db_import',
  'date_inscription',
  'date_reviewed',
] as const satisfies readonly (keyof EntranceInsert)[];

const CAVE_COLUMNS = [
  'id',
  'id_author',
  'length',
  'depth',
  'latitude',
  'longitude',
  'date_inscription',
  'date_reviewed',
] as const satisfies readonly (keyof CaveInsert)[];

/** The live entrances holding any of these import keys, by key. */
export async function findEntrancesByImportKey(
  db: Queryable,
  keys: readonly ImportKey[],
): Promise<(ImportKey & { id: number })[]> {
  const { rows } = await db.query<ImportKey & { id: number }>(
    `SELECT e.id, k.id_db_import, k.name_db_import
       FROM unnest($1::text[], $2::text[]) AS k(id_db_import, name_db_import)
       -- One probe of the partial unique index per key (both its conditions are here), whatever the
       -- planner's statistics say of a table an import is filling: the LIMIT keeps the subquery
       -- from being flattened into a join, which stale statistics turned into a scan of every entrance.
       CROSS JOIN LATERAL (
         SELECT t.id FROM t_entrance t
          WHERE t.id_db_import = k.id_db_import AND t.name_db_import = k.name_db_import
            AND NOT t.is_deleted AND t.id_db_import IS NOT NULL
          LIMIT 1
       ) e`,
    [keys.map((k) => k.id_db_import), keys.map((k) => k.name_db_import)],
  );
  return rows;
}

/** The cave of each of these entrances, by entrance id (null for an entrance without a cave). */
export async function findCavesOfEntrances(
  db: Queryable,
  entranceIds: readonly number[],
): Promise<Map<number, number | null>> {
  if (!entranceIds.length) return new Map();
  const { rows } = await db.query<{ id: number; id_cave: number | null }>(
    'SELECT id, id_cave FROM t_entrance WHERE id = ANY($1::int[])',
    [entranceIds],
  );
  return new Map(rows.map((row) => [row.id, row.id_cave]));
}

/** Reserves `count` entrance and cave ids, so a chunk knows them before inserting anything. */
export async function allocateEntranceAndCaveIds(
  db: Queryable,
  count: number,
): Promise<{ entrance: number; cave: number }[]> {
  if (count === 0) return [];
  const { rows } = await db.query<{ entrance: number; cave: number }>(
    `SELECT nextval('t_entrance_id_seq')::int AS entrance, nextval('t_cave_id_seq')::int AS cave
       FROM generate_series(1, $1)`,
    [count],
  );
  return rows;
}

/**
 * Inserts the entrances whose import key is still free and returns the ids it inserted: a key a
 * concurrent batch took meanwhile is skipped (ON CONFLICT on the unique import key), not an error.
 */
export async function insertEntrancesWithFreeKeys(
  db: Queryable,
  batchId: string,
  entrances: readonly EntranceInsert[],
): Promise<Set<number>> {
  if (!entrances.length) return new Set();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO t_entrance (id, id_cave, id_author, id_country, latitude, longitude, altitude, precision,
                             id_db_import, name_db_import, date_inscription, date_reviewed, id_job_batch)
     SELECT r.id, r.id_cave, r.id_author, r.id_country, r.latitude, r.longitude, r.altitude, r.precision,
            r.id_db_import, r.name_db_import, COALESCE(r.date_inscription, now()), r.date_reviewed, $13
       FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::numeric[], $6::numeric[], $7::int[],
                   $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[])
            AS r(${ENTRANCE_COLUMNS.join(', ')})
      -- In key order: concurrent chunks then take the unique index's locks in one order.
      ORDER BY r.id_db_import, r.name_db_import
     ON CONFLICT (id_db_import, name_db_import) WHERE NOT is_deleted AND id_db_import IS NOT NULL DO NOTHING
     RETURNING id`,
    [...columnsOf(entrances, ENTRANCE_COLUMNS), batchId],
  );
  return new Set(rows.map((row) => row.id));
}

export async function insertCaves(
  db: Queryable,
  batchId: string | null,
  caves: readonly CaveInsert[],
): Promise<void> {
  if (!caves.length) return;
  await db.query(
    `INSERT INTO t_cave (id, id_author, length, depth, latitude, longitude, date_inscription, date_reviewed, id_job_batch)
     SELECT r.id, r.id_author, r.length, r.depth, r.latitude, r.longitude, COALESCE(r.date_inscription, now()),
            r.date_reviewed, $9
       FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::numeric[], $6::numeric[],
                   $7::timestamptz[], $8::timestamptz[]) AS r(${CAVE_COLUMNS.join(', ')})`,
    [...columnsOf(caves, CAVE_COLUMNS), batchId],
  );
}

export async function insertNames(
  db: Queryable,
  batchId: string | null,
  names: readonly NameInsert[],
): Promise<void> {
  await copyRows(
    db,
    't_name',
    ['name', 'id_language', 'id_author', 'is_main', 'id_cave', 'id_entrance', 'id_job_batch'],
    names.map((n) => [n.name, n.id_language, n.id_author, n.is_main, n.id_cave, n.id_entrance, batchId]),
  );
}

export async function insertDescriptions(
  db: Queryable,
  batchId: string | null,
  descriptions: readonly DescriptionInsert[],
): Promise<void> {
  await copyRows(
    db,
    't_description',
    ['title', 'body', 'id_language', 'id_author', 'id_license', 'id_entrance', 'id_job_batch'],
    descriptions.map((d) => [
      d.title,
      d.body,
      d.id_language,
      d.id_author,
      d.id_license,
      d.id_entrance,
      batchId,
    ]),
  );
}

export async function insertLocations(
  db: Queryable,
  batchId: string | null,
  locations: readonly DocumentInsert[],
): Promise<void> {
  await copyRows(
    db,
    't_location',
    ['body', 'id_language', 'id_author', 'id_license', 'id_entrance', 'id_job_batch'],
    locations.map((l) => [l.body, l.id_language, l.id_author, l.id_license, l.id_entrance, batchId]),
  );
}
