/** The reference tables an import resolves codes against: t_country, t_language, t_license. */
import type { Queryable } from '../pool';

export interface ReferenceRows {
  countries: { iso: string }[];
  languages: { id: string; part1: string | null }[];
  licenses: { id: number; name: string }[];
}

export async function readReferenceRows(db: Queryable): Promise<ReferenceRows> {
  const [countries, languages, licenses] = await Promise.all([
    db.query<{ iso: string }>('SELECT iso FROM t_country'),
    db.query<{ id: string; part1: string | null }>('SELECT id, part1 FROM t_language'),
    db.query<{ id: number; name: string }>('SELECT id, name FROM t_license'),
  ]);
  return { countries: countries.rows, languages: languages.rows, licenses: licenses.rows };
}

export async function languageExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM t_language WHERE id = $1', [id]);
  return rows.length > 0;
}
