/**
 * Runs a chunk's write plan (writePlan.ts) with the set-based statements of db/sql: about ten
 * statements whatever the number of records.
 */
import type { RowOutcome } from '../core/types';
import type { Queryable } from '../db/pool';
import { findCaverIdsByNickname, insertMissingAuthors } from '../db/sql/cavers';
import { insertEntranceDuplicates } from '../db/sql/entranceDuplicates';
import {
  allocateEntranceAndCaveIds,
  findCavesOfEntrances,
  findEntrancesByImportKey,
  insertCaves,
  insertDescriptions,
  insertEntrancesWithFreeKeys,
  insertLocations,
  insertNames,
} from '../db/sql/entrances';
import type { EntranceRecord } from '../rows/rowConversion';
import {
  authorIdOf,
  authorsOf,
  caveRows,
  classifyRecords,
  type DuplicateFacts,
  descriptionRows,
  duplicateRecords,
  entranceIdsByKey,
  entranceRows,
  firstRecordsOfFreeKeys,
  importKeyOfRecord,
  locationRows,
  type NewEntrance,
  nameRows,
} from './writePlan';

export interface WriteContext {
  batchId: string;
  /** The caver who started the import: author of the entrance duplicates. */
  initiatorId: number;
  /** Caver id by nickname (see resolveAuthors): asked only for the authors of new entrances. */
  resolveAuthors(nicknames: string[]): Promise<ReadonlyMap<string, number>>;
}

/**
 * Finds or creates the import authors by nickname. Runs outside the chunk's transaction, in its own
 * short statements: a new author is then visible to concurrent chunks at once instead of making
 * them wait for this chunk to commit. An author left by a chunk that later rolls back is reused.
 */
export async function resolveAuthors(
  db: Queryable,
  nicknames: Iterable<string>,
): Promise<Map<string, number>> {
  const names = [...new Set(nicknames)];
  await insertMissingAuthors(db, names);
  return findCaverIdsByNickname(db, names);
}

async function findExisting(db: Queryable, records: readonly EntranceRecord[]): Promise<Map<string, number>> {
  return entranceIdsByKey(await findEntrancesByImportKey(db, records.map(importKeyOfRecord)));
}

/**
 * Writes valid records, in line order, and returns each one's outcome. A record whose import key a
 * live entrance already holds, or an earlier record of the same call created, becomes a duplicate
 * of that entrance; so does one that loses a race for its key to a concurrent batch.
 */
export async function writeEntrances(
  db: Queryable,
  records: readonly EntranceRecord[],
  context: WriteContext,
): Promise<RowOutcome[]> {
  if (!records.length) return [];
  const { batchId } = context;
  // No lookup first: the insert itself finds the keys a live entrance holds (ON CONFLICT on the
  // unique import key, which it probes anyway), and only those are read back below. A lookup of
  // every key cost a statement per chunk that, in a fresh import, finds nothing.
  const existing = new Map<string, number>();
  const candidates = firstRecordsOfFreeKeys(records, existing);

  // Every valid row's authors, duplicates' included: a duplicate's content names its author by id
  // (SPEC 12.2), as the entrance a moderator may create from it will.
  const authorIds = await context.resolveAuthors(records.flatMap(authorsOf));
  const ids = await allocateEntranceAndCaveIds(db, candidates.length);
  const planned: NewEntrance[] = candidates.map((record, i) => ({
    record,
    entranceId: ids[i].entrance,
    caveId: ids[i].cave,
    authorId: authorIdOf(authorIds, record.author),
  }));
  const created = await insertOrFindHolders(db, batchId, planned, existing);

  await insertCaves(db, batchId, caveRows(created));
  await insertNames(db, batchId, nameRows(created));
  await insertDescriptions(db, batchId, descriptionRows(created, authorIds));
  await insertLocations(db, batchId, locationRows(created, authorIds));

  const facts = await duplicateFacts(db, duplicateRecords(records, created), existing, authorIds);
  const { outcomes, duplicates } = classifyRecords(records, created, existing, facts);
  await insertEntranceDuplicates(db, batchId, context.initiatorId, duplicates);
  return outcomes;
}

/** How often a key may change hands between our insert and our read before the chunk gives up. */
const MAX_KEY_ATTEMPTS = 5;

/**
 * Inserts the planned entrances whose import key is free, and records in `existing` the live
 * entrance that holds each other key (an earlier batch's, or a concurrent one's). A key can be freed
 * between the insert and the read (a revert committing meanwhile): its entrance is then inserted
 * again, so a row never ends without either an entrance of its own or one it duplicates.
 */
async function insertOrFindHolders(
  db: Queryable,
  batchId: string,
  planned: readonly NewEntrance[],
  existing: Map<string, number>,
): Promise<NewEntrance[]> {
  const created: NewEntrance[] = [];
  let pending = planned;
  for (let attempt = 1; pending.length; attempt++) {
    if (attempt > MAX_KEY_ATTEMPTS) {
      // A serialization failure's code: the chunk's transaction is retried whole, no row fails for it.
      throw Object.assign(new Error(`The import keys of ${pending.length} rows kept changing hands`), {
        code: '40001',
      });
    }
    const inserted = await insertEntrancesWithFreeKeys(db, batchId, entranceRows(pending));
    const lost: NewEntrance[] = [];
    for (const entrance of pending) (inserted.has(entrance.entranceId) ? created : lost).push(entrance);
    if (!lost.length) break;
    for (const [key, id] of await findExisting(
      db,
      lost.map((entrance) => entrance.record),
    ))
      existing.set(key, id);
    pending = lost.filter((entrance) => !existing.has(entrance.record.key));
  }
  return created;
}

/**
 * What the duplicates' contents need from the database besides their authors: the caves of the
 * entrances they duplicate. One statement, none when the chunk has no duplicate.
 */
async function duplicateFacts(
  db: Queryable,
  duplicates: readonly EntranceRecord[],
  existing: ReadonlyMap<string, number>,
  authorIds: ReadonlyMap<string, number>,
): Promise<DuplicateFacts> {
  const importedAt = new Date();
  if (!duplicates.length) return { caveOfEntrance: new Map(), authorIds, importedAt };
  const entranceIds = duplicates.map((record) => existing.get(record.key)).filter((id) => id !== undefined);
  const caveOfEntrance = await findCavesOfEntrances(db, [...new Set(entranceIds)]);
  return { caveOfEntrance, authorIds, importedAt };
}
