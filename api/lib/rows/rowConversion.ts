/**
 * Turns one CSV row into the entrance it describes, or into the failure message of SPEC 6.
 * Pure: reference data comes in as an argument, so this is tested without a database.
 */
import {
  COLUMNS,
  cell,
  importKeyOf,
  isFlatValue,
  maxLengthOf,
  missingColumns,
  missingColumnsMessage,
  nonFlatMessage,
  REPLACEMENT_CHARACTER,
  type Row,
} from './columns';
import { normaliseLicenseName, type ReferenceData } from './referenceData';

export interface TextInLanguage {
  text: string;
  language: string;
}

export interface EntranceRecord {
  line: number;
  key: string;
  idDbImport: string;
  nameDbImport: string;
  /** Nickname of the caver the cave, entrance and names are attributed to. */
  author: string;
  country: string;
  latitude: number;
  longitude: number;
  altitude: number | null;
  precision: number | null;
  /** `YYYY-MM-DD`, or null for now. */
  dateInscription: string | null;
  dateReviewed: string | null;
  licenseId: number | null;
  name: TextInLanguage | null;
  nameLanguage: string;
  alternateName: string | null;
  caveLength: number | null;
  caveDepth: number | null;
  description: { title: string; body: string | null; language: string; author: string } | null;
  location: { body: string; language: string; author: string } | null;
}

export type Conversion = { ok: true; record: EntranceRecord } | { ok: false; message: string };

class RowError extends Error {}

const INT4_MAX = 2_147_483_647;

function fail(message: string): never {
  throw new RowError(message);
}

/** Whether `text` has more than `max` characters (code points), counting no further than needed. */
function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false; // UTF-16 units are never fewer than code points
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

// Plain decimal notation only: Number() would also take "0x10", "1e3" or "Infinity". Each part of the
// pattern can match a digit in one way only, so it runs in linear time on any input.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// Integers, also as spreadsheets export them ("1200.0").
const INTEGER = /^[+-]?\d+(?:\.0*)?$/;

function coordinate(row: Row, column: string, limit: number, label: string): number {
  const raw = cell(row, column)!;
  const value = Number(raw);
  if (!DECIMAL.test(raw) || Math.abs(value) > limit) fail(`Invalid ${label}: ${raw}`);
  return value;
}

function inIntegerRange(value: number): boolean {
  return Math.abs(value) <= INT4_MAX;
}

function integer(row: Row, column: string): number | null {
  const raw = cell(row, column);
  if (raw === undefined) return null;
  const value = Number(raw);
  if (!INTEGER.test(raw) || !inIntegerRange(value)) fail(`Invalid integer in ${column}: ${raw}`);
  return value;
}

function date(row: Row, column: string): string | null {
  const raw = cell(row, column);
  if (raw === undefined) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const parsed = match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])) : null;
  // Date.UTC rolls 2024-02-31 over to March: compare back to reject impossible dates.
  if (!parsed || parsed.toISOString().slice(0, 10) !== raw) fail(`Invalid date in ${column}: ${raw}`);
  return raw;
}

function language(row: Row, column: string, reference: ReferenceData): string {
  const raw = cell(row, column)!;
  return reference.languages.get(raw.toLowerCase()) ?? fail(`Unknown language: ${raw}`);
}

/**
 * `https://example.org/people#Jean_Dupont` names the caver "Jean Dupont": a creator written as a URL
 * keeps only its fragment, percent-decoded, with `_` read as a space. Null when nothing is left, or
 * when the decoding yields a control character (`%00`): no caver is named so, and PostgreSQL could
 * not even store it.
 */
export function creatorNickname(creator: string): string | null {
  const hash = creator.indexOf('#');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(creator) || hash < 0) return creator;
  let fragment = creator.slice(hash + 1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    // Not percent-encoded after all: keep it as written.
  }
  const nickname = fragment.replace(/_/g, ' ').trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return nickname === '' || /[\u0000-\u001f\u007f]/.test(nickname) ? null : nickname;
}

function creator(row: Row, column: string): string {
  const raw = cell(row, column)!;
  return creatorNickname(raw) ?? fail(`Invalid creator in ${column}: ${raw}`);
}

/**
 * The rules every cell obeys before anything is parsed (SPEC 14): a flat value, no character the
 * staging had to repair (NUL, broken UTF-16), and no longer than its column allows. Columns in sorted
 * order, not the row's: jsonb does not keep key order, and the message must be the same whether the
 * row was read from the request (check-rows) or back from staging (the import).
 */
function checkCells(row: Row): void {
  for (const column of Object.keys(row).sort()) {
    const value = row[column];
    if (!isFlatValue(value)) fail(nonFlatMessage(column));
    if (typeof value !== 'string') continue;
    const max = maxLengthOf(column);
    if (longerThan(value.trim(), max)) fail(`${column} is too long (max ${max} characters)`);
    if (value.includes(REPLACEMENT_CHARACTER)) fail(`Invalid character in ${column}: ${value}`);
  }
}

function convert(row: Row, line: number, reference: ReferenceData): EntranceRecord {
  checkCells(row);
  const missing = missingColumns(row);
  if (missing.length) fail(missingColumnsMessage(missing));

  const idDbImport = cell(row, COLUMNS.id)!;
  const nameDbImport = cell(row, COLUMNS.attributionName)!;
  const countryRaw = cell(row, COLUMNS.countryCode)!;
  const country = countryRaw.toUpperCase();
  if (!reference.countries.has(country)) fail(`Unknown country code: ${countryRaw}`);
  const latitude = coordinate(row, COLUMNS.latitude, 90, 'latitude');
  const longitude = coordinate(row, COLUMNS.longitude, 180, 'longitude');
  const nameLanguage = language(row, COLUMNS.labelLanguage, reference);
  const label = cell(row, COLUMNS.label);
  const alternateName = cell(row, COLUMNS.alternateName) ?? null;
  const dateInscription = date(row, COLUMNS.created);
  const dateReviewed = date(row, COLUMNS.modified);
  const altitude = integer(row, COLUMNS.altitude);
  const precision = integer(row, COLUMNS.precision);
  const caveLength = integer(row, COLUMNS.length);
  const verticalExtend = integer(row, COLUMNS.verticalExtend);
  const below = integer(row, COLUMNS.extendBelowEntrance);
  const above = integer(row, COLUMNS.extendAboveEntrance);
  const caveDepth = verticalExtend ?? (below === null && above === null ? null : (below ?? 0) + (above ?? 0));
  if (caveDepth !== null && !inIntegerRange(caveDepth)) {
    fail(`Invalid integer in ${COLUMNS.extendBelowEntrance} + ${COLUMNS.extendAboveEntrance}: ${caveDepth}`);
  }

  const descriptionTitle = cell(row, COLUMNS.descriptionTitle);
  const description = descriptionTitle
    ? {
        title: descriptionTitle,
        body: cell(row, COLUMNS.descriptionBody) ?? null,
        language: language(row, COLUMNS.descriptionLanguage, reference),
        author: creator(row, COLUMNS.descriptionCreator),
      }
    : null;
  const accessBody = cell(row, COLUMNS.accessBody);
  const location = accessBody
    ? {
        body: accessBody,
        language: language(row, COLUMNS.accessLanguage, reference),
        author: creator(row, COLUMNS.accessCreator),
      }
    : null;
  const license = cell(row, COLUMNS.licenseType);

  return {
    line,
    key: importKeyOf(idDbImport, nameDbImport),
    idDbImport,
    nameDbImport,
    author: description?.author ?? nameDbImport,
    country,
    latitude,
    longitude,
    altitude,
    precision,
    dateInscription,
    dateReviewed,
    licenseId: license ? (reference.licenses.get(normaliseLicenseName(license)) ?? null) : null,
    name: label ? { text: label, language: nameLanguage } : null,
    nameLanguage,
    alternateName,
    caveLength,
    caveDepth,
    description,
    location,
  };
}

export function convertRow(row: Row, line: number, reference: ReferenceData): Conversion {
  try {
    return { ok: true, record: convert(row, line, reference) };
  } catch (error) {
    if (error instanceof RowError) return { ok: false, message: error.message };
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
