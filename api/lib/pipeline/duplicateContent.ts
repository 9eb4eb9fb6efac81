/**
 * `t_entrance_duplicate.content` in Grottocenter's shape (SPEC 12.2): what the import writes for a
 * duplicate row, and what a moderator's resolution (resolveDuplicate.ts) reads back. Pure.
 *
 * Grottocenter's own import writes `{ entrance, nameDescLoc }` (EntranceCSVImportService:
 * getConvertedEntranceFromCsv, getConvertedNameDescLocEntranceFromCsv): `entrance.cave` is the cave
 * of the entrance that already holds the import key, and every `author` is a caver id, the author
 * being created first if need be. This service never creates an author for a row that does not
 * create an entrance, so `author` is the caver's id when that caver already exists and null
 * otherwise; the fields below marked "ours" are additions (Grottocenter's names are never changed):
 * `authorNickname` on every authored part, to find or create the author when a moderator creates
 * the entrance; the cave's `caveLength` and `caveDepth`; the documents' `license`; and the
 * entrance's `alternateName`, so that resolving a duplicate creates everything a success would.
 */
import { InvalidInputError } from '../core/errors';
import type { EntranceRecord } from '../rows/rowConversion';

/** Grottocenter's default geology of an imported entrance (Q35758: karst, on Wikidata). */
export const DEFAULT_GEOLOGY = 'Q35758';

interface Authored {
  /** Caver id; null when no caver had the nickname when the row was imported. */
  author: number | null;
  /** Ours: the nickname the row gives, to find or create the caver later. */
  authorNickname: string;
}

export interface DuplicateEntrance extends Authored {
  country: string;
  precision: number | null;
  altitude: number | null;
  latitude: number;
  longitude: number;
  /** The cave of the existing entrance (Grottocenter's value); resolution creates a cave of its own. */
  cave: number | null;
  /** ISO 8601: the row's `dct:rights/dct:created`, else the time of the import. */
  dateInscription: string;
  dateReviewed: string | null;
  isOfInterest: false;
  idDbImport: string;
  nameDbImport: string;
  geology: string;
  /** Ours: the cave the row describes. */
  caveLength: number | null;
  caveDepth: number | null;
}

export interface DuplicateName extends Authored {
  text: string;
  language: string;
  dateInscription: string;
}

export interface DuplicateDocument extends Authored {
  title: string | null;
  body: string | null;
  language: string;
  dateInscription: string;
  /** Ours: t_license id of the row's licence. */
  license: number | null;
}

export interface DuplicateContent {
  entrance: DuplicateEntrance;
  nameDescLoc: {
    name?: DuplicateName;
    description?: DuplicateDocument;
    location?: DuplicateDocument;
    /** Ours: the row's `gn:alternateName`, a non-main name of the entrance. */
    alternateName?: DuplicateName;
  };
}

export interface DuplicateContentContext {
  /** The cave of the entrance the row duplicates. */
  caveId: number | null;
  /** Ids of the cavers that exist, by nickname; a nickname missing here gives `author: null`. */
  authorIds: ReadonlyMap<string, number>;
  /** When the import recorded the row: the date of a row without `dct:rights/dct:created`. */
  importedAt: Date;
}

/** `YYYY-MM-DD` as Grottocenter stores a Karstlink date (midnight UTC, ISO 8601). */
function isoDate(date: string | null): string | null {
  return date === null ? null : `${date}T00:00:00.000Z`;
}

export function duplicateContent(record: EntranceRecord, context: DuplicateContentContext): DuplicateContent {
  const dateInscription = isoDate(record.dateInscription) ?? context.importedAt.toISOString();
  const by = (nickname: string): Authored => ({
    author: context.authorIds.get(nickname) ?? null,
    authorNickname: nickname,
  });
  const nameDescLoc: DuplicateContent['nameDescLoc'] = {};
  if (record.name) {
    nameDescLoc.name = {
      ...by(record.author),
      text: record.name.text,
      language: record.name.language,
      dateInscription,
    };
  }
  if (record.description) {
    nameDescLoc.description = {
      ...by(record.description.author),
      title: record.description.title,
      body: record.description.body,
      language: record.description.language,
      dateInscription,
      license: record.licenseId,
    };
  }
  if (record.location) {
    nameDescLoc.location = {
      ...by(record.location.author),
      title: null,
      body: record.location.body,
      language: record.location.language,
      dateInscription,
      license: record.licenseId,
    };
  }
  if (record.alternateName) {
    nameDescLoc.alternateName = {
      ...by(record.author),
      text: record.alternateName,
      language: record.nameLanguage,
      dateInscription,
    };
  }
  return {
    entrance: {
      ...by(record.author),
      country: record.country,
      precision: record.precision,
      altitude: record.altitude,
      latitude: record.latitude,
      longitude: record.longitude,
      cave: context.caveId,
      dateInscription,
      dateReviewed: isoDate(record.dateReviewed),
      isOfInterest: false,
      idDbImport: record.idDbImport,
      nameDbImport: record.nameDbImport,
      geology: DEFAULT_GEOLOGY,
      caveLength: record.caveLength,
      caveDepth: record.caveDepth,
    },
    nameDescLoc,
  };
}

// Reading content back. Rows written by this service (or converted by migration 0008) have the shape
// above; rows written elsewhere (Grottocenter writes numbers as strings when the CSV had them) are
// read leniently, and what cannot be read is refused with a message instead of a 500.

/** What a resolution needs of a part's author: an id, a nickname to find or create, or both. */
export interface AuthorRef {
  id: number | null;
  nickname: string | null;
}

export interface ResolvableName {
  author: AuthorRef;
  text: string;
  language: string;
}

export interface ResolvableDocument {
  author: AuthorRef;
  title: string | null;
  body: string | null;
  language: string;
  license: number | null;
}

/** A duplicate's content as a resolution creates it. */
export interface ResolvableDuplicate {
  author: AuthorRef;
  country: string | null;
  latitude: number;
  longitude: number;
  altitude: number | null;
  precision: number | null;
  dateReviewed: string | null;
  caveLength: number | null;
  caveDepth: number | null;
  name: ResolvableName | null;
  alternateName: ResolvableName | null;
  description: ResolvableDocument | null;
  location: ResolvableDocument | null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class UnreadableContent extends Error {}

function unreadable(what: string): never {
  throw new UnreadableContent(what);
}

function number(part: Json, field: string, { required = false, integer = false } = {}): number | null {
  const raw = part[field];
  if (raw === null || raw === undefined || raw === '') return required ? unreadable(`no ${field}`) : null;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) unreadable(`an invalid ${field}`);
  return value;
}

function text(part: Json, field: string, required = false): string | null {
  const raw = part[field];
  if (raw === null || raw === undefined || raw === '') return required ? unreadable(`no ${field}`) : null;
  if (typeof raw !== 'string' && typeof raw !== 'number') unreadable(`an invalid ${field}`);
  return String(raw);
}

function date(part: Json, field: string): string | null {
  const value = text(part, field);
  if (value !== null && Number.isNaN(Date.parse(value))) unreadable(`an invalid ${field}`);
  return value;
}

function author(part: Json, where: string): AuthorRef {
  const id = number(part, 'author', { integer: true });
  const nickname = text(part, 'authorNickname');
  if (id === null && nickname === null) unreadable(`no author for ${where}`);
  return { id, nickname };
}

function name(part: unknown, where: string): ResolvableName | null {
  if (!isObject(part)) return null;
  const value = text(part, 'text');
  if (value === null) return null;
  return { author: author(part, where), text: value, language: text(part, 'language', true)! };
}

function document(part: unknown, where: string, bodyRequired: boolean): ResolvableDocument | null {
  if (!isObject(part)) return null;
  const body = text(part, 'body');
  const title = text(part, 'title');
  if (body === null && (bodyRequired || title === null)) return null;
  return {
    author: author(part, where),
    title,
    body,
    language: text(part, 'language', true)!,
    license: number(part, 'license', { integer: true }),
  };
}

/**
 * Reads a stored content for a resolution; InvalidInputError (with the duplicate's id) when it lacks
 * what an entrance needs: an author, coordinates.
 */
export function readDuplicateContent(duplicateId: number, content: unknown): ResolvableDuplicate {
  try {
    if (!isObject(content) || !isObject(content.entrance)) unreadable('no entrance');
    const entrance = content.entrance;
    const parts = isObject(content.nameDescLoc) ? content.nameDescLoc : {};
    const country = text(entrance, 'country');
    return {
      author: author(entrance, 'the entrance'),
      country: country === null ? null : country.toUpperCase(),
      latitude: number(entrance, 'latitude', { required: true })!,
      longitude: number(entrance, 'longitude', { required: true })!,
      altitude: number(entrance, 'altitude', { integer: true }),
      precision: number(entrance, 'precision', { integer: true }),
      dateReviewed: date(entrance, 'dateReviewed'),
      caveLength: number(entrance, 'caveLength', { integer: true }),
      caveDepth: number(entrance, 'caveDepth', { integer: true }),
      name: name(parts.name, 'the name'),
      alternateName: name(parts.alternateName, 'the alternate name'),
      description: document(parts.description, 'the description', false),
      location: document(parts.location, 'the location', true),
    };
  } catch (error) {
    if (error instanceof UnreadableContent) {
      throw new InvalidInputError(
        `The content of entrance duplicate ${duplicateId} cannot make an entrance: it has ${error.message}.`,
      );
    }
    throw error;
  }
}
