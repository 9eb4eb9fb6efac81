/**
 * Countries, languages and licenses, read once per process: they change only through migrations,
 * and every chunk of every batch needs them.
 */
import type { Queryable } from '../db/pool';
import { type ReferenceRows, readReferenceRows } from '../db/sql/referenceData';

export interface ReferenceData {
  /** Upper-case ISO 3166-1 alpha-2 codes. */
  countries: ReadonlySet<string>;
  /** ISO 639-3 id by lower-case ISO 639-3 or ISO 639-1 code. */
  languages: ReadonlyMap<string, string>;
  /** License id by normalised name ("cc by sa" for "CC-BY-SA"). */
  licenses: ReadonlyMap<string, number>;
}

export function normaliseLicenseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

export function buildReferenceData({ countries, languages, licenses }: ReferenceRows): ReferenceData {
  const languageIds = new Map<string, string>();
  for (const { id, part1 } of languages) {
    if (part1) languageIds.set(part1.trim().toLowerCase(), id);
  }
  // Three-letter codes win over two-letter ones when both could match.
  for (const { id } of languages) languageIds.set(id.toLowerCase(), id);
  return {
    countries: new Set(countries.map((row) => row.iso.toUpperCase())),
    languages: languageIds,
    licenses: new Map(licenses.map((row) => [normaliseLicenseName(row.name), row.id])),
  };
}

export async function loadReferenceData(db: Queryable): Promise<ReferenceData> {
  return buildReferenceData(await readReferenceRows(db));
}

/** Caches the first successful load; a failed load is retried by the next caller. */
export function cachedReferenceData(db: Queryable): () => Promise<ReferenceData> {
  let loading: Promise<ReferenceData> | undefined;
  return () => {
    loading ??= loadReferenceData(db).catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
