import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool';
import { GROUPS, type GroupName, type TokenPayload } from './groups';
import { hashPassword, verifyPassword } from './passwords';

export interface UserInput {
  email: string;
  password: string;
  nickname: string;
  group: GroupName;
  language?: string;
}

/** Creates the user, or updates the one with that mail; returns its id. */
export async function upsertUser(db: Queryable, input: UserInput): Promise<number> {
  const hash = await hashPassword(input.password);
  const language = input.language ?? 'eng';
  const { rows: known } = await db.query<{ id: string }>('SELECT id FROM t_language WHERE id = $1', [
    language,
  ]);
  if (!known.length) throw new Error(`Unknown language: ${language} (an ISO 639-3 code such as eng or fra)`);
  const { rows } = await db.query<{ id: number }>(
    `WITH existing AS (
       UPDATE t_caver SET nickname = $2, password = $3, id_language = $4
        WHERE lower(mail) = lower($1) RETURNING id
     ), created AS (
       INSERT INTO t_caver (mail, nickname, password, id_language)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id
     )
     SELECT id FROM existing UNION ALL SELECT id FROM created`,
    [input.email, input.nickname, hash, language],
  );
  const id = rows[0].id;
  await db.query('DELETE FROM j_caver_group WHERE id_caver = $1', [id]);
  await db.query('INSERT INTO j_caver_group (id_caver, id_group) VALUES ($1, $2)', [id, GROUPS[input.group]]);
  return id;
}

/** The token payload of the user with that mail and password, or null. */
export async function authenticate(
  db: Queryable,
  email: string,
  password: string,
): Promise<TokenPayload | null> {
  const { rows } = await db.query<{ id: number; nickname: string; password: string | null }>(
    'SELECT id, nickname, password FROM t_caver WHERE lower(mail) = lower($1)',
    [email],
  );
  const user = rows[0];
  // An unknown address costs a hash comparison too, so response times do not tell which addresses exist.
  const valid = await verifyPassword(password, user?.password ?? (await unknownUserHash()));
  if (!user?.password || !valid) return null;
  await db.query('UPDATE t_caver SET date_last_connection = now() WHERE id = $1', [user.id]);
  return { id: user.id, nickname: user.nickname, groups: await groupsOf(db, user.id) };
}

let placeholderHash: Promise<string> | undefined;
const unknownUserHash = () => {
  placeholderHash ??= hashPassword(randomBytes(16).toString('hex'));
  return placeholderHash;
};

export async function groupsOf(db: Queryable, caverId: number): Promise<TokenPayload['groups']> {
  const { rows } = await db.query<{ id: number; name: string }>(
    `SELECT g.id, g.name FROM j_caver_group j JOIN t_group g ON g.id = j.id_group
      WHERE j.id_caver = $1 ORDER BY g.id`,
    [caverId],
  );
  return rows;
}

export const DEV_ADMIN_EMAIL = 'admin@localhost';

/**
 * In development, the first start creates an administrator so the service can be tried at once.
 * Returns its credentials when it was created now, null when any administrator already exists.
 * Must run inside a transaction.
 */
export async function ensureDevelopmentAdmin(
  db: Queryable,
): Promise<{ email: string; password: string } | null> {
  // Run inside a transaction: the lock keeps two processes starting together from both creating it.
  await db.query("SELECT pg_advisory_xact_lock(hashtext('cave-import:dev-admin'))");
  const { rows } = await db.query('SELECT 1 FROM j_caver_group WHERE id_group = $1 LIMIT 1', [
    GROUPS.Administrator,
  ]);
  if (rows.length) return null;
  const password = randomBytes(12).toString('base64url');
  await upsertUser(db, { email: DEV_ADMIN_EMAIL, password, nickname: 'admin', group: 'Administrator' });
  return { email: DEV_ADMIN_EMAIL, password };
}
