/**
 * The set-based writes of an import: a handful of statements for any number of rows. Each batch of
 * values travels as one JSON parameter expanded by `jsonb_to_recordset`, so no statement meets
 * PostgreSQL's 65,535-parameter limit and none runs once per row.
 */
import type { Queryable } from '../db/pool';
import { importKeyOf } from './columns';
import { duplicateMessage, type RowOutcome } from './outcomes';
import type { EntranceRecord } from './rowConversion';

export interface WriteContext {
  batchId: string;
  /** The caver who started the import: author of the entrance duplicates. */
  initiatorId: number;
  /** Caver id by nickname (see resolveAuthors): asked only for the authors of new entrances. */
  resolveAuthors(nicknames: string[]): Promise<ReadonlyMap<string, number>>;
}

const json = (value: unknown) => JSON.stringify(value);

/**
 * Finds or creates the import authors by nickname. Runs outside the chunk's transaction, in its own
 * short statements: a new author is then visible to concurrent chunks at once instead of making
 * them wait for this chunk to commit, and the partial unique index on non-user nicknames turns a
 * concurrent creation into a no-op. An author left by a chunk that later rolls back is reused.
 */
export async function resolveAuthors(
  db: Queryable,
  nicknames: Iterable<string>,
): Promise<Map<string, number>> {
  // Sorted, so concurrent chunks take the index locks in one order and cannot deadlock.
  const names = [...new Set(nicknames)].sort();
  if (!names.length) return new Map();
  await db.query(
    `INSERT INTO t_caver (nickname)
     SELECT n FROM unnest($1::text[]) AS n
      WHERE NOT EXISTS (SELECT 1 FROM t_caver c WHERE c.nickname = n)
      ORDER BY n
     ON CONFLICT (nickname) WHERE mail IS NULL DO NOTHING`,
    [names],
  );
  // A nickname shared by several cavers names the oldest of them.
  const { rows } = await db.query<{ id: number; nickname: string }>(
    `SELECT DISTINCT ON (nickname) id, nickname FROM t_caver
      WHERE nickname = ANY($1::text[]) ORDER BY nickname, id`,
    [names],
  );
  return new Map(rows.map((row) => [row.nickname, row.id]));
}

async function findExistingEntrances(
  db: Queryable,
  records: readonly EntranceRecord[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: number; id_db_import: string; name_db_import: string }>(
    `SELECT e.id, e.id_db_import, e.name_db_import
       FROM t_entrance e
       JOIN unnest($1::text[], $2::text[]) AS k(id_db_import, name_db_import)
         ON e.id_db_import = k.id_db_import AND e.name_db_import = k.name_db_import
      WHERE NOT e.is_deleted`,
    [records.map((r) => r.idDbImport), records.map((r) => r.nameDbImport)],
  );
  return new Map(rows.map((row) => [importKeyOf(row.id_db_import, row.name_db_import), row.id]));
}

async function allocateIds(db: Queryable, count: number): Promise<{ entrance: number; cave: number }[]> {
  const { rows } = await db.query<{ entrance: number; cave: number }>(
    `SELECT nextval('t_entrance_id_seq')::int AS entrance, nextval('t_cave_id_seq')::int AS cave
       FROM generate_series(1, $1)`,
    [count],
  );
  return rows;
}

interface NewEntrance {
  record: EntranceRecord;
  entranceId: number;
  caveId: number;
  authorId: number;
}

/** Inserts the entrances whose import key is still free; returns the ids it inserted. */
async function insertEntrances(
  db: Queryable,
  batchId: string,
  entrances: readonly NewEntrance[],
): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO t_entrance (id, id_cave, id_author, id_country, latitude, longitude, altitude, precision,
                             id_db_import, name_db_import, date_inscription, date_reviewed, id_job_batch)
     SELECT r.id, r.id_cave, r.id_author, r.id_country, r.latitude, r.longitude, r.altitude, r.precision,
            r.id_db_import, r.name_db_import, COALESCE(r.date_inscription, now()), r.date_reviewed, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(id int, id_cave int, id_author int, id_country char(2),
            latitude numeric, longitude numeric, altitude int, precision int, id_db_import text,
            name_db_import text, date_inscription timestamptz, date_reviewed timestamptz)
      -- In key order: concurrent chunks then take the unique index's locks in one order.
      ORDER BY r.id_db_import, r.name_db_import
     ON CONFLICT (id_db_import, name_db_import) WHERE NOT is_deleted AND id_db_import IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      json(
        entrances.map(({ record: r, entranceId, caveId, authorId }) => ({
          id: entranceId,
          id_cave: caveId,
          id_author: authorId,
          id_country: r.country,
          latitude: r.latitude,
          longitude: r.longitude,
          altitude: r.altitude,
          precision: r.precision,
          id_db_import: r.idDbImport,
          name_db_import: r.nameDbImport,
          date_inscription: r.dateInscription,
          date_reviewed: r.dateReviewed,
        })),
      ),
      batchId,
    ],
  );
  return new Set(rows.map((row) => row.id));
}

async function insertCaves(db: Queryable, batchId: string, entrances: readonly NewEntrance[]): Promise<void> {
  await db.query(
    `INSERT INTO t_cave (id, id_author, length, depth, latitude, longitude, date_inscription, date_reviewed, id_job_batch)
     SELECT r.id, r.id_author, r.length, r.depth, r.latitude, r.longitude, COALESCE(r.date_inscription, now()),
            r.date_reviewed, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(id int, id_author int, length int, depth int, latitude numeric,
            longitude numeric, date_inscription timestamptz, date_reviewed timestamptz)`,
    [
      json(
        entrances.map(({ record: r, caveId, authorId }) => ({
          id: caveId,
          id_author: authorId,
          length: r.caveLength,
          depth: r.caveDepth,
          latitude: r.latitude,
          longitude: r.longitude,
          date_inscription: r.dateInscription,
          date_reviewed: r.dateReviewed,
        })),
      ),
      batchId,
    ],
  );
}

async function insertNames(db: Queryable, batchId: string, entrances: readonly NewEntrance[]): Promise<void> {
  const names = entrances.flatMap(({ record: r, caveId, entranceId, authorId }) => [
    ...(r.name
      ? [
          {
            name: r.name.text,
            id_language: r.name.language,
            id_author: authorId,
            is_main: true,
            id_cave: caveId,
          },
          {
            name: r.name.text,
            id_language: r.name.language,
            id_author: authorId,
            is_main: true,
            id_entrance: entranceId,
          },
        ]
      : []),
    ...(r.alternateName
      ? [
          {
            name: r.alternateName,
            id_language: r.nameLanguage,
            id_author: authorId,
            is_main: false,
            id_entrance: entranceId,
          },
        ]
      : []),
  ]);
  if (!names.length) return;
  await db.query(
    `INSERT INTO t_name (name, id_language, id_author, is_main, id_cave, id_entrance, id_job_batch)
     SELECT r.name, r.id_language, r.id_author, r.is_main, r.id_cave, r.id_entrance, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(name text, id_language char(3), id_author int, is_main boolean,
            id_cave int, id_entrance int)`,
    [json(names), batchId],
  );
}

async function insertDocuments(
  db: Queryable,
  batchId: string,
  entrances: readonly NewEntrance[],
  authorIds: ReadonlyMap<string, number>,
): Promise<void> {
  const descriptions = entrances.flatMap(({ record: r, entranceId }) =>
    r.description
      ? [
          {
            title: r.description.title,
            body: r.description.body,
            id_language: r.description.language,
            id_author: authorIds.get(r.description.author),
            id_license: r.licenseId,
            id_entrance: entranceId,
          },
        ]
      : [],
  );
  const locations = entrances.flatMap(({ record: r, entranceId }) =>
    r.location
      ? [
          {
            body: r.location.body,
            id_language: r.location.language,
            id_author: authorIds.get(r.location.author),
            id_license: r.licenseId,
            id_entrance: entranceId,
          },
        ]
      : [],
  );
  if (descriptions.length) {
    await db.query(
      `INSERT INTO t_description (title, body, id_language, id_author, id_license, id_entrance, id_job_batch)
       SELECT r.title, r.body, r.id_language, r.id_author, r.id_license, r.id_entrance, $2
         FROM jsonb_to_recordset($1::jsonb) AS r(title text, body text, id_language char(3), id_author int,
              id_license int, id_entrance int)`,
      [json(descriptions), batchId],
    );
  }
  if (locations.length) {
    await db.query(
      `INSERT INTO t_location (body, id_language, id_author, id_license, id_entrance, id_job_batch)
       SELECT r.body, r.id_language, r.id_author, r.id_license, r.id_entrance, $2
         FROM jsonb_to_recordset($1::jsonb) AS r(body text, id_language char(3), id_author int, id_license int,
              id_entrance int)`,
      [json(locations), batchId],
    );
  }
}

async function insertDuplicates(
  db: Queryable,
  context: WriteContext,
  duplicates: readonly { record: EntranceRecord; entranceId: number }[],
): Promise<void> {
  if (!duplicates.length) return;
  await db.query(
    `INSERT INTO t_entrance_duplicate (content, id_entrance, id_author, id_job_batch)
     SELECT r.content, r.id_entrance, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS r(content jsonb, id_entrance int)`,
    [
      json(duplicates.map(({ record, entranceId }) => ({ content: record, id_entrance: entranceId }))),
      context.initiatorId,
      context.batchId,
    ],
  );
}

/**
 * Writes valid records, in line order, and returns each one's outcome. A record whose import key a
 * non-deleted entrance already holds, or an earlier record of the same call created, becomes a
 * duplicate of that entrance; so does one that loses a race for its key to a concurrent batch.
 */
export async function writeEntrances(
  db: Queryable,
  records: readonly EntranceRecord[],
  context: WriteContext,
): Promise<RowOutcome[]> {
  if (!records.length) return [];
  const existing = await findExistingEntrances(db, records);

  // The first record of each free key is a candidate; the records after it follow its fate.
  const candidates: EntranceRecord[] = [];
  const claimedKeys = new Set<string>();
  for (const record of records) {
    if (!existing.has(record.key) && !claimedKeys.has(record.key)) {
      claimedKeys.add(record.key);
      candidates.push(record);
    }
  }

  const authorIds = await context.resolveAuthors(candidates.flatMap(authorsOf));
  const ids = await allocateIds(db, candidates.length);
  const planned: NewEntrance[] = candidates.map((record, i) => ({
    record,
    entranceId: ids[i].entrance,
    caveId: ids[i].cave,
    authorId: authorOf(authorIds, record.author),
  }));
  const inserted = planned.length ? await insertEntrances(db, context.batchId, planned) : new Set<number>();
  const created = planned.filter((entrance) => inserted.has(entrance.entranceId));
  const createdByKey = new Map(created.map((entrance) => [entrance.record.key, entrance]));

  // Keys a concurrent batch took between our lookup and our insert: read the winners.
  if (created.length < planned.length) {
    const lost = planned
      .filter((entrance) => !inserted.has(entrance.entranceId))
      .map((entrance) => entrance.record);
    for (const [key, id] of await findExistingEntrances(db, lost)) existing.set(key, id);
  }

  await insertCaves(db, context.batchId, created);
  await insertNames(db, context.batchId, created);
  await insertDocuments(db, context.batchId, created, authorIds);

  const outcomes: RowOutcome[] = [];
  const duplicates: { record: EntranceRecord; entranceId: number }[] = [];
  for (const record of records) {
    const mine = createdByKey.get(record.key);
    if (mine?.record === record) {
      outcomes.push({
        line: record.line,
        outcome: 'success',
        caveId: mine.caveId,
        entranceId: mine.entranceId,
      });
      continue;
    }
    const entranceId = mine?.entranceId ?? existing.get(record.key);
    if (entranceId === undefined) throw new Error(`No entrance holds the import key of line ${record.line}`);
    duplicates.push({ record, entranceId });
    outcomes.push({
      line: record.line,
      outcome: 'duplicate',
      entranceId,
      message: duplicateMessage(record.idDbImport),
    });
  }
  await insertDuplicates(db, context, duplicates);
  return outcomes;
}

/** Every caver a record names: the author of its cave and entrance, and of its documents. */
export function authorsOf(record: EntranceRecord): string[] {
  return [record.author, record.description?.author, record.location?.author].filter((a): a is string => !!a);
}

function authorOf(authorIds: ReadonlyMap<string, number>, nickname: string): number {
  const id = authorIds.get(nickname);
  if (id === undefined) throw new Error(`Author "${nickname}" was not resolved`);
  return id;
}
