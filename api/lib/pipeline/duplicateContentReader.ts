/**
 * Reading back a stored `t_entrance_duplicate.content` (SPEC 12.2) for a moderator's resolution
 * (resolveDuplicates.ts). Pure. Rows written by this service (duplicateContent.ts, or converted by
 * migration 0008) have Grottocenter's `{ entrance, nameDescLoc }` shape; rows written elsewhere
 * (Grottocenter writes numbers as strings when the CSV had them) are read leniently, and what
 * cannot be read is refused with a message instead of a 500.
 */
import { InvalidInputError } from '../core/errors';
import type { ReferenceData } from '../rows/referenceData';

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
  /** The import key the row had; the new entrance takes it if no live entrance holds it any more. */
  idDbImport: string | null;
  nameDbImport: string | null;
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

const INT4_MAX = 2_147_483_647;

/**
 * A number of the content, held to the rules the import applies to the same value (a content may
 * come from elsewhere: Grottocenter, an older version, a hand): integers within PostgreSQL's
 * integer, coordinates within their range.
 */
function number(
  part: Json,
  field: string,
  { required = false, integer = false, limit = INT4_MAX } = {},
): number | null {
  const raw = part[field];
  if (raw === null || raw === undefined || raw === '') return required ? unreadable(`no ${field}`) : null;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value)) || Math.abs(value) > limit) {
    unreadable(`an invalid ${field} (${String(raw).slice(0, 40)})`);
  }
  return value;
}

function text(
  part: Json,
  field: string,
  required = false,
  maxLength = Number.POSITIVE_INFINITY,
): string | null {
  const raw = part[field];
  if (raw === null || raw === undefined || raw === '') return required ? unreadable(`no ${field}`) : null;
  if (typeof raw !== 'string' && typeof raw !== 'number') unreadable(`an invalid ${field}`);
  const value = String(raw);
  // The columns' own limits (t_name.name, t_description.title): past them PostgreSQL would refuse.
  if ([...value].length > maxLength) unreadable(`a ${field} longer than ${maxLength} characters`);
  return value;
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
  const value = text(part, 'text', false, 200);
  if (value === null) return null;
  return { author: author(part, where), text: value, language: text(part, 'language', true)! };
}

function document(part: unknown, where: string, bodyRequired: boolean): ResolvableDocument | null {
  if (!isObject(part)) return null;
  const body = text(part, 'body');
  const title = text(part, 'title', false, 300);
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
      idDbImport: text(entrance, 'idDbImport'),
      nameDbImport: text(entrance, 'nameDbImport'),
      author: author(entrance, 'the entrance'),
      country: country === null ? null : country.toUpperCase(),
      latitude: number(entrance, 'latitude', { required: true, limit: 90 })!,
      longitude: number(entrance, 'longitude', { required: true, limit: 180 })!,
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

/**
 * The codes of a content checked against the reference data, as the import checks a row's: a
 * content that names an unknown country, language or license cannot make an entrance.
 */
export function checkContentCodes(
  duplicateId: number,
  content: ResolvableDuplicate,
  reference: ReferenceData,
): void {
  const languages = new Set(reference.languages.values());
  const licenses = new Set(reference.licenses.values());
  const refuse = (what: string) => {
    throw new InvalidInputError(
      `The content of entrance duplicate ${duplicateId} cannot make an entrance: it has ${what}.`,
    );
  };
  if (content.country !== null && !reference.countries.has(content.country))
    refuse(`an unknown country (${content.country.slice(0, 40)})`);
  for (const part of [content.name, content.alternateName, content.description, content.location]) {
    if (part && !languages.has(part.language)) refuse(`an unknown language (${part.language.slice(0, 40)})`);
  }
  for (const part of [content.description, content.location]) {
    if (part?.license != null && !licenses.has(part.license)) refuse(`an unknown license (${part.license})`);
  }
}
