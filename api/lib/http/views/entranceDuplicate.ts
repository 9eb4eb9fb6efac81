/**
 * The entrance duplicate bodies (SPEC 12.2), in Grottocenter's shape: `entrance` is the existing
 * entrance's id in a list and the entrance itself when one duplicate is read, as Grottocenter's
 * convertToEntranceDuplicateModel gives it. `content` is the stored content, unchanged.
 */
import type {
  DocumentRow,
  DuplicatedEntranceRow,
  DuplicateRow,
  NameRow,
} from '../../db/sql/entranceDuplicates';

export interface CaverRef {
  id: number;
  nickname: string;
}

export interface EntranceDuplicateView {
  id: number;
  author: CaverRef | null;
  content: unknown;
  entrance: number;
  dateInscription: string;
  batchId: string | null;
  /** The CSV line of the import that recorded it (duplicates.csv's `line`). */
  line: number | null;
}

export interface DuplicatedEntranceView {
  id: number;
  names: NameRow[];
  country: string | null;
  /** Null for a sensitive entrance, unless the caller is a moderator or an administrator. */
  latitude: number | null;
  longitude: number | null;
  isSensitive: boolean;
  altitude: number | null;
  precision: number | null;
  author: CaverRef | null;
  idDbImport: string | null;
  nameDbImport: string | null;
  dateInscription: string;
  dateReviewed: string | null;
  isDeleted: boolean;
  descriptions: DocumentRow[];
  locations: DocumentRow[];
  cave: { id: number; names: NameRow[]; length: number | null; depth: number | null } | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function caver(id: number | null, nickname: string | null): CaverRef | null {
  return id === null ? null : { id, nickname: nickname ?? '' };
}

export function toEntranceDuplicateView(row: DuplicateRow): EntranceDuplicateView {
  return {
    id: row.id,
    author: caver(row.id_author, row.author_nickname),
    content: row.content,
    entrance: row.id_entrance,
    dateInscription: iso(row.date_inscription),
    batchId: row.id_job_batch,
    line: row.line,
  };
}

/**
 * The entrance a duplicate matched. A sensitive entrance's coordinates (a cave to protect) are shown
 * to moderators and administrators only, as Grottocenter shows them.
 */
export function toDuplicatedEntranceView(
  row: DuplicatedEntranceRow,
  mayLocate: boolean,
): DuplicatedEntranceView {
  const hidden = row.is_sensitive && !mayLocate;
  return {
    id: row.id,
    names: row.names,
    country: row.id_country,
    latitude: hidden ? null : row.latitude,
    longitude: hidden ? null : row.longitude,
    isSensitive: row.is_sensitive,
    altitude: row.altitude,
    precision: row.precision,
    author: caver(row.id_author, row.author_nickname),
    idDbImport: row.id_db_import,
    nameDbImport: row.name_db_import,
    dateInscription: iso(row.date_inscription),
    dateReviewed: row.date_reviewed ? iso(row.date_reviewed) : null,
    isDeleted: row.is_deleted,
    descriptions: row.descriptions,
    locations: row.locations,
    cave:
      row.id_cave === null
        ? null
        : { id: row.id_cave, names: row.cave_names, length: row.cave_length, depth: row.cave_depth },
  };
}

/** One duplicate with the entrance it matched, for a moderator to compare side by side. */
export function toEntranceDuplicateDetail(
  row: DuplicateRow,
  entrance: DuplicatedEntranceRow,
  mayLocate: boolean,
): Omit<EntranceDuplicateView, 'entrance'> & { entrance: DuplicatedEntranceView } {
  return { ...toEntranceDuplicateView(row), entrance: toDuplicatedEntranceView(entrance, mayLocate) };
}
