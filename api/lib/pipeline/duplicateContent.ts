/**
 * `t_entrance_duplicate.content` in Grottocenter's shape (SPEC 12.2): what the import writes for a
 * duplicate row, built from the converted row. Pure. A moderator's resolution reads it back with
 * duplicateContentReader.ts.
 *
 * Grottocenter's own import writes `{ entrance, nameDescLoc }` (EntranceCSVImportService:
 * getConvertedEntranceFromCsv, getConvertedNameDescLocEntranceFromCsv): `entrance.cave` is the cave
 * of the entrance that already holds the import key, and every `author` is a caver id, the author
 * being created first if need be. Here `author` is the id `authorIds` gives for the nickname (the
 * chunk import resolves the authors of every valid row first, entranceWrites.ts) and null when it
 * gives none; the fields below marked "ours" are additions (Grottocenter's names are never changed):
 * `authorNickname` on every authored part, to find or create the author when a moderator creates
 * the entrance; the cave's `caveLength` and `caveDepth`; the documents' `license`; and the
 * entrance's `alternateName`, so that resolving a duplicate creates everything a success would.
 */
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
  /** Caver ids by nickname: the chunk import resolves every valid row's authors before this. */
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
