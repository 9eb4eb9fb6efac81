/**
 * The write plan of a chunk, as pure functions: which records may create an entrance, the table rows
 * a new entrance becomes, and, once the inserts are done, what became of every record. The
 * statements themselves are in db/sql/entrances.ts; entranceWrites.ts runs the plan.
 */
import type { RowOutcome } from '../core/types';
import type { DuplicateInsert } from '../db/sql/entranceDuplicates';
import type {
  CaveInsert,
  DescriptionInsert,
  DocumentInsert,
  EntranceInsert,
  ImportKey,
  NameInsert,
} from '../db/sql/entrances';
import { importKeyOf } from '../rows/columns';
import { duplicateMessage } from '../rows/outcomes';
import type { EntranceRecord } from '../rows/rowConversion';
import { duplicateContent } from './duplicateContent';

/** A record that will create an entrance, with the ids reserved for it. */
export interface NewEntrance {
  record: EntranceRecord;
  entranceId: number;
  caveId: number;
  authorId: number;
}

export const importKeyOfRecord = (record: EntranceRecord): ImportKey => ({
  id_db_import: record.idDbImport,
  name_db_import: record.nameDbImport,
});

/** Entrance id by import key, from rows of t_entrance. */
export function entranceIdsByKey(rows: readonly (ImportKey & { id: number })[]): Map<string, number> {
  return new Map(rows.map((row) => [importKeyOf(row.id_db_import, row.name_db_import), row.id]));
}

/**
 * The first record of each key no live entrance holds yet: it may create the entrance. The records
 * after it (same key) follow its fate and become its duplicates.
 */
export function firstRecordsOfFreeKeys(
  records: readonly EntranceRecord[],
  existing: ReadonlyMap<string, number>,
): EntranceRecord[] {
  const claimed = new Set<string>();
  return records.filter((record) => {
    if (existing.has(record.key) || claimed.has(record.key)) return false;
    claimed.add(record.key);
    return true;
  });
}

/** Every caver a record names: the author of its cave and entrance, and of its documents. */
export function authorsOf(record: EntranceRecord): string[] {
  return [record.author, record.description?.author, record.location?.author].filter((a): a is string => !!a);
}

export function authorIdOf(authorIds: ReadonlyMap<string, number>, nickname: string): number {
  const id = authorIds.get(nickname);
  if (id === undefined) throw new Error(`Author "${nickname}" was not resolved`);
  return id;
}

export function entranceRows(entrances: readonly NewEntrance[]): EntranceInsert[] {
  return entrances.map(({ record: r, entranceId, caveId, authorId }) => ({
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
  }));
}

export function caveRows(entrances: readonly NewEntrance[]): CaveInsert[] {
  return entrances.map(({ record: r, caveId, authorId }) => ({
    id: caveId,
    id_author: authorId,
    length: r.caveLength,
    depth: r.caveDepth,
    latitude: r.latitude,
    longitude: r.longitude,
    date_inscription: r.dateInscription,
    date_reviewed: r.dateReviewed,
  }));
}

/** The main name of the cave and of the entrance, and the entrance's alternate name. */
export function nameRows(entrances: readonly NewEntrance[]): NameInsert[] {
  return entrances.flatMap(({ record: r, caveId, entranceId, authorId }) => {
    const names: NameInsert[] = [];
    if (r.name) {
      const main = { name: r.name.text, id_language: r.name.language, id_author: authorId, is_main: true };
      names.push({ ...main, id_cave: caveId }, { ...main, id_entrance: entranceId });
    }
    if (r.alternateName) {
      names.push({
        name: r.alternateName,
        id_language: r.nameLanguage,
        id_author: authorId,
        is_main: false,
        id_entrance: entranceId,
      });
    }
    return names;
  });
}

export function descriptionRows(
  entrances: readonly NewEntrance[],
  authorIds: ReadonlyMap<string, number>,
): DescriptionInsert[] {
  return entrances.flatMap(({ record: r, entranceId }) =>
    r.description
      ? [
          {
            title: r.description.title,
            body: r.description.body,
            id_language: r.description.language,
            id_author: authorIdOf(authorIds, r.description.author),
            id_license: r.licenseId,
            id_entrance: entranceId,
          },
        ]
      : [],
  );
}

export function locationRows(
  entrances: readonly NewEntrance[],
  authorIds: ReadonlyMap<string, number>,
): DocumentInsert[] {
  return entrances.flatMap(({ record: r, entranceId }) =>
    r.location
      ? [
          {
            body: r.location.body,
            id_language: r.location.language,
            id_author: authorIdOf(authorIds, r.location.author),
            id_license: r.licenseId,
            id_entrance: entranceId,
          },
        ]
      : [],
  );
}

/** What a duplicate's content needs beyond its record (see duplicateContent.ts). */
export interface DuplicateFacts {
  /** The cave of each existing entrance a record duplicates (entrances of this chunk aside). */
  caveOfEntrance: ReadonlyMap<number, number | null>;
  /** Ids of the cavers that exist, by nickname. */
  authorIds: ReadonlyMap<string, number>;
  importedAt: Date;
}

/** The records that will not create an entrance: every record but the first of each created key. */
export function duplicateRecords(
  records: readonly EntranceRecord[],
  created: readonly NewEntrance[],
): EntranceRecord[] {
  const creators = new Set(created.map((entrance) => entrance.record));
  return records.filter((record) => !creators.has(record));
}

/**
 * What became of each record, in line order: the record that created its key's entrance is a
 * success; every other record is a duplicate of the entrance holding its key, whether an earlier
 * batch, an earlier line or a concurrent batch created it, recorded with its content in
 * Grottocenter's shape.
 */
export function classifyRecords(
  records: readonly EntranceRecord[],
  created: readonly NewEntrance[],
  existing: ReadonlyMap<string, number>,
  facts: DuplicateFacts,
): { outcomes: RowOutcome[]; duplicates: DuplicateInsert[] } {
  const createdByKey = new Map(created.map((entrance) => [entrance.record.key, entrance]));
  const outcomes: RowOutcome[] = [];
  const duplicates: DuplicateInsert[] = [];
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
    const caveId = mine ? mine.caveId : (facts.caveOfEntrance.get(entranceId) ?? null);
    duplicates.push({
      line: record.line,
      content: duplicateContent(record, { caveId, authorIds: facts.authorIds, importedAt: facts.importedAt }),
      id_entrance: entranceId,
    });
    outcomes.push({
      line: record.line,
      outcome: 'duplicate',
      entranceId,
      message: duplicateMessage(record.idDbImport),
    });
  }
  return { outcomes, duplicates };
}
