/**
 * After an import: a moderator resolves the entrance duplicates it recorded (SPEC 12.2), either by
 * creating the entrance a duplicate describes, next to the one that holds its import key, or by
 * deleting duplicates. Each is one transaction that changes nothing when it refuses.
 *
 * It lives with the pipeline because it is the other end of what the chunk import writes: it reads
 * (duplicateContentReader.ts) the content duplicateContent.ts builds and creates the rows with the
 * statements a success uses.
 */
import type pg from 'pg';
import { InvalidInputError, NotFoundError } from '../core/errors';
import { type Queryable, withTransaction } from '../db/pool';
import { findExistingCaverIds } from '../db/sql/cavers';
import { insertResolvedEntrance } from '../db/sql/entranceChanges';
import { deleteEntranceDuplicates, takeEntranceDuplicate } from '../db/sql/entranceDuplicates';
import {
  allocateEntranceAndCaveIds,
  insertCaves,
  insertDescriptions,
  insertLocations,
  insertNames,
  type NameInsert,
} from '../db/sql/entrances';
import type { ReferenceData } from '../rows/referenceData';
import {
  type AuthorRef,
  checkContentCodes,
  type ResolvableDuplicate,
  readDuplicateContent,
} from './duplicateContentReader';
import { resolveAuthors } from './entranceWrites';

/** Grottocenter's message for a duplicate id that names nothing (a malformed id is cut short). */
export function duplicateNotFoundMessage(id: number | string): string {
  const shown = String(id);
  return `Could not find duplicate with id ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}.`;
}

/**
 * Deletes these duplicates, all or none: an id that names no duplicate is a NotFoundError and
 * nothing is deleted.
 */
export async function deleteDuplicates(pool: pg.Pool, ids: readonly number[]): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const deleted = await deleteEntranceDuplicates(tx, ids);
    const missing = ids.find((id) => !deleted.has(id));
    if (missing !== undefined) throw new NotFoundError(duplicateNotFoundMessage(missing));
  });
}

export interface CreatedFromDuplicate {
  entranceId: number;
  caveId: number;
}

/**
 * Creates, in one transaction, the cave, entrance, names, description and location a duplicate
 * describes, and deletes the duplicate. The duplicate is deleted first, so a concurrent resolution
 * of the same duplicate waits, then finds nothing (NotFoundError). The new entrance takes the
 * import key only if no live entrance holds it any more (the one it duplicated was deleted
 * meanwhile): a key names at most one live entrance, and a later import of the same row must find
 * this one rather than create a third. It records where it came from either way. Dated
 * now, not with the import's date kept in the content. Its values are held to the import's rules
 * first (a content may come from elsewhere). An author the content names by nickname only (a
 * duplicate recorded by Grottocenter or an older version) is found or created now.
 */
export async function createEntranceFromDuplicate(
  deps: { pool: pg.Pool; referenceData: () => Promise<ReferenceData> },
  duplicateId: number,
): Promise<CreatedFromDuplicate> {
  const reference = await deps.referenceData();
  return withTransaction(deps.pool, async (tx) => {
    const duplicate = await takeEntranceDuplicate(tx, duplicateId);
    if (!duplicate) throw new NotFoundError(duplicateNotFoundMessage(duplicateId));
    const content = readDuplicateContent(duplicateId, duplicate.content);
    checkContentCodes(duplicateId, content, reference);
    const authorOf = await resolveContentAuthors(tx, duplicateId, content);

    const [ids] = await allocateEntranceAndCaveIds(tx, 1);
    const author = authorOf(content.author);
    await insertResolvedEntrance(tx, {
      id: ids.entrance,
      id_cave: ids.cave,
      id_author: author,
      id_country: content.country,
      latitude: content.latitude,
      longitude: content.longitude,
      altitude: content.altitude,
      precision: content.precision,
      date_reviewed: content.dateReviewed,
      origin_id_entrance: duplicate.id_entrance,
      origin_id_job_batch: duplicate.id_job_batch,
      id_db_import: content.idDbImport,
      name_db_import: content.nameDbImport,
    });
    await insertCaves(tx, null, [
      {
        id: ids.cave,
        id_author: author,
        length: content.caveLength,
        depth: content.caveDepth,
        latitude: content.latitude,
        longitude: content.longitude,
        date_inscription: null,
        date_reviewed: content.dateReviewed,
      },
    ]);
    const names: NameInsert[] = [];
    if (content.name) {
      const main = {
        name: content.name.text,
        id_language: content.name.language,
        id_author: authorOf(content.name.author),
        is_main: true,
      };
      names.push({ ...main, id_cave: ids.cave }, { ...main, id_entrance: ids.entrance });
    }
    if (content.alternateName) {
      names.push({
        name: content.alternateName.text,
        id_language: content.alternateName.language,
        id_author: authorOf(content.alternateName.author),
        is_main: false,
        id_entrance: ids.entrance,
      });
    }
    await insertNames(tx, null, names);
    const { description, location } = content;
    if (description) {
      await insertDescriptions(tx, null, [
        {
          title: description.title,
          body: description.body,
          id_language: description.language,
          id_author: authorOf(description.author),
          id_license: description.license,
          id_entrance: ids.entrance,
        },
      ]);
    }
    if (location?.body) {
      await insertLocations(tx, null, [
        {
          body: location.body,
          id_language: location.language,
          id_author: authorOf(location.author),
          id_license: location.license,
          id_entrance: ids.entrance,
        },
      ]);
    }
    return { entranceId: ids.entrance, caveId: ids.cave };
  });
}

/**
 * The caver of each author of a content: its id when that caver exists, otherwise the caver with its
 * nickname, created now (as a non-user caver) if there is none.
 */
async function resolveContentAuthors(
  tx: Queryable,
  duplicateId: number,
  content: ResolvableDuplicate,
): Promise<(ref: AuthorRef) => number> {
  const refs = [
    content.author,
    content.name?.author,
    content.alternateName?.author,
    content.description?.author,
    content.location?.author,
  ].filter((ref): ref is AuthorRef => !!ref);
  const existing = await findExistingCaverIds(
    tx,
    refs.flatMap((ref) => (ref.id === null ? [] : [ref.id])),
  );
  const byId = (ref: AuthorRef) => ref.id !== null && existing.has(ref.id);
  const nicknames = refs.filter((ref) => !byId(ref)).map((ref) => ref.nickname);
  if (nicknames.some((nickname) => nickname === null)) {
    throw new InvalidInputError(
      `The content of entrance duplicate ${duplicateId} cannot make an entrance: it names an author that does not exist.`,
    );
  }
  const byNickname = await resolveAuthors(tx, nicknames as string[]);
  return (ref) => (byId(ref) ? ref.id! : byNickname.get(ref.nickname!)!);
}
