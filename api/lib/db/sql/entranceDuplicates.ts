/**
 * t_entrance_duplicate: the rows an import found already imported, kept for a moderator to review
 * (SPEC 12.2), with the reads and deletes of the duplicates endpoints.
 */
import { copyRows } from '../copyRows';
import type { Queryable } from '../pool';

export interface DuplicateInsert {
  /** The CSV line that became this duplicate: the duplicates report links it by (batch, line). */
  line: number;
  /** The row in Grottocenter's shape (api/lib/pipeline/duplicateContent.ts). */
  content: unknown;
  /** The live entrance that already holds the row's import key. */
  id_entrance: number;
}

/**
 * Records a chunk's duplicates, authored by the import's initiator, with one COPY (`db` is the
 * chunk's transaction): contents are large, and expanding them from a JSON parameter cost 85 µs a
 * row in the benchmark's profile, where COPY costs 25.
 */
export async function insertEntranceDuplicates(
  db: Queryable,
  batchId: string,
  authorId: number,
  duplicates: readonly DuplicateInsert[],
): Promise<void> {
  await copyRows(
    db,
    't_entrance_duplicate',
    ['content', 'id_entrance', 'id_author', 'id_job_batch', 'line'],
    duplicates.map((d) => [JSON.stringify(d.content), d.id_entrance, authorId, batchId, d.line]),
  );
}

/** A duplicate with its author's nickname, as the endpoints show it. */
export interface DuplicateRow {
  id: number;
  id_author: number | null;
  author_nickname: string | null;
  content: unknown;
  id_entrance: number;
  date_inscription: Date;
  id_job_batch: string | null;
  line: number | null;
}

/** The sort keys of the list, by their API name: the only column names ever put into its ORDER BY. */
export const DUPLICATE_SORT_COLUMNS = Object.freeze({
  id: 'd.id',
  dateInscription: 'd.date_inscription',
  entrance: 'd.id_entrance',
  author: 'd.id_author',
  batchId: 'd.id_job_batch',
} as const);

export type DuplicateSortKey = keyof typeof DUPLICATE_SORT_COLUMNS;

export interface DuplicateListQuery {
  limit: number;
  skip: number;
  sortBy: DuplicateSortKey;
  orderBy: 'ASC' | 'DESC';
  /** Only the duplicates this import recorded. */
  batchId?: string;
}

const DUPLICATE_COLUMNS = `d.id, d.id_author, a.nickname AS author_nickname, d.content, d.id_entrance,
       d.date_inscription, d.id_job_batch, d.line`;

/** One page of duplicates and how many there are in all. */
export async function listEntranceDuplicates(
  db: Queryable,
  query: DuplicateListQuery,
): Promise<{ rows: DuplicateRow[]; total: number }> {
  const column = DUPLICATE_SORT_COLUMNS[query.sortBy];
  const direction = query.orderBy === 'DESC' ? 'DESC' : 'ASC';
  const batchId = query.batchId ?? null;
  const { rows } = await db.query<DuplicateRow>(
    `SELECT ${DUPLICATE_COLUMNS}
       FROM t_entrance_duplicate d LEFT JOIN t_caver a ON a.id = d.id_author
      WHERE $1::uuid IS NULL OR d.id_job_batch = $1::uuid
      ORDER BY ${column} ${direction} NULLS LAST, d.id ${direction}
      LIMIT $2 OFFSET $3`,
    [batchId, query.limit, query.skip],
  );
  const counted = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM t_entrance_duplicate d
      WHERE $1::uuid IS NULL OR d.id_job_batch = $1::uuid`,
    [batchId],
  );
  return { rows, total: counted.rows[0].total };
}

export async function findEntranceDuplicate(db: Queryable, id: number): Promise<DuplicateRow | null> {
  const { rows } = await db.query<DuplicateRow>(
    `SELECT ${DUPLICATE_COLUMNS}
       FROM t_entrance_duplicate d LEFT JOIN t_caver a ON a.id = d.id_author
      WHERE d.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export interface NameRow {
  id: number;
  name: string;
  language: string;
  isMain: boolean;
}

export interface DocumentRow {
  id: number;
  title: string | null;
  body: string | null;
  language: string;
}

/** The entrance a duplicate matched, with what a moderator compares: names, place, author, source, cave. */
export interface DuplicatedEntranceRow {
  id: number;
  id_country: string | null;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  precision: number | null;
  id_db_import: string | null;
  name_db_import: string | null;
  date_inscription: Date;
  date_reviewed: Date | null;
  is_deleted: boolean;
  is_sensitive: boolean;
  id_author: number | null;
  author_nickname: string | null;
  names: NameRow[];
  descriptions: DocumentRow[];
  locations: DocumentRow[];
  id_cave: number | null;
  cave_length: number | null;
  cave_depth: number | null;
  cave_names: NameRow[];
}

const NAMES_OF = (owner: string, id: string) =>
  `COALESCE((SELECT jsonb_agg(jsonb_build_object('id', n.id, 'name', n.name, 'language', n.id_language,
                                                 'isMain', n.is_main) ORDER BY n.is_main DESC, n.id)
               FROM t_name n WHERE n.${owner} = ${id} AND NOT n.is_deleted), '[]'::jsonb)`;

const DOCUMENTS_OF = (table: string, title: string) =>
  `COALESCE((SELECT jsonb_agg(jsonb_build_object('id', x.id, 'title', ${title}, 'body', x.body,
                                                 'language', x.id_language) ORDER BY x.id)
               FROM ${table} x WHERE x.id_entrance = e.id AND NOT x.is_deleted), '[]'::jsonb)`;

export async function findDuplicatedEntrance(
  db: Queryable,
  entranceId: number,
): Promise<DuplicatedEntranceRow | null> {
  const { rows } = await db.query<DuplicatedEntranceRow>(
    `SELECT e.id, e.id_country, e.latitude::float8 AS latitude, e.longitude::float8 AS longitude,
            e.altitude, e.precision, e.id_db_import, e.name_db_import, e.date_inscription, e.date_reviewed,
            e.is_deleted, e.is_sensitive, e.id_author, a.nickname AS author_nickname,
            ${NAMES_OF('id_entrance', 'e.id')} AS names,
            ${DOCUMENTS_OF('t_description', 'x.title')} AS descriptions,
            ${DOCUMENTS_OF('t_location', 'x.title')} AS locations,
            e.id_cave, c.length AS cave_length, c.depth AS cave_depth,
            ${NAMES_OF('id_cave', 'e.id_cave')} AS cave_names
       FROM t_entrance e
       LEFT JOIN t_caver a ON a.id = e.id_author
       LEFT JOIN t_cave c ON c.id = e.id_cave
      WHERE e.id = $1`,
    [entranceId],
  );
  return rows[0] ?? null;
}

/** Deletes these duplicates; returns the ids that existed (and are gone now). */
export async function deleteEntranceDuplicates(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const { rows } = await db.query<{ id: number }>(
    'DELETE FROM t_entrance_duplicate WHERE id = ANY($1::int[]) RETURNING id',
    [ids],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * Deletes one duplicate and returns it: the first statement of a resolution. A second resolution of
 * the same duplicate waits on the row, then finds it gone (null) once the first commits, so two
 * moderators can never create two entrances from one duplicate.
 */
export async function takeEntranceDuplicate(
  db: Queryable,
  id: number,
): Promise<{ id: number; content: unknown; id_entrance: number; id_job_batch: string | null } | null> {
  const { rows } = await db.query<{
    id: number;
    content: unknown;
    id_entrance: number;
    id_job_batch: string | null;
  }>('DELETE FROM t_entrance_duplicate WHERE id = $1 RETURNING id, content, id_entrance, id_job_batch', [id]);
  return rows[0] ?? null;
}
