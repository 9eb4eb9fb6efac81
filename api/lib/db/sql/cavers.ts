/**
 * t_caver and j_caver_group: users (a mail and a password hash) and the authors imports create
 * (a nickname only), with their groups.
 */
import { NotAuthenticatedError } from '../../core/errors';
import type { Queryable } from '../pool';

/**
 * The foreign keys that record who made a request (an import, its Idempotency-Key, a cancel, a
 * revert): a token still valid for an account deleted since breaks them. Checked against the
 * database's own list by a foundation test.
 */
export const REQUESTER_FOREIGN_KEYS: ReadonlySet<string> = new Set([
  't_job_batch_id_initiator_fkey',
  't_import_request_id_caver_fkey',
  't_job_batch_id_canceller_fkey',
  't_job_batch_id_reverter_fkey',
]);

/**
 * The 401 a request deserves when a statement failed because its account no longer exists; null for
 * any other error.
 */
export function deletedAccountError(error: unknown): NotAuthenticatedError | null {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23503' || !REQUESTER_FOREIGN_KEYS.has(String(constraint))) return null;
  return new NotAuthenticatedError('The account this token was issued for no longer exists. Sign in again.');
}

/**
 * Creates the authors missing among these nicknames, at most once each: the partial unique index on
 * non-user nicknames turns a concurrent creation into a no-op. Sorted, so concurrent chunks take the
 * index locks in one order and cannot deadlock.
 */
export async function insertMissingAuthors(db: Queryable, nicknames: readonly string[]): Promise<void> {
  if (!nicknames.length) return;
  await db.query(
    `INSERT INTO t_caver (nickname)
     SELECT n FROM unnest($1::text[]) AS n
      WHERE NOT EXISTS (SELECT 1 FROM t_caver c WHERE c.nickname = n)
      ORDER BY n
     ON CONFLICT (nickname) WHERE mail IS NULL DO NOTHING`,
    [[...nicknames].sort()],
  );
}

/** Which of these caver ids exist. */
export async function findExistingCaverIds(db: Queryable, ids: readonly number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const { rows } = await db.query<{ id: number }>('SELECT id FROM t_caver WHERE id = ANY($1::int[])', [ids]);
  return new Set(rows.map((row) => row.id));
}

/** Caver id by nickname; a nickname shared by several cavers names the oldest of them. */
export async function findCaverIdsByNickname(
  db: Queryable,
  nicknames: readonly string[],
): Promise<Map<string, number>> {
  if (!nicknames.length) return new Map();
  const { rows } = await db.query<{ id: number; nickname: string }>(
    `SELECT DISTINCT ON (nickname) id, nickname FROM t_caver
      WHERE nickname = ANY($1::text[]) ORDER BY nickname, id`,
    [nicknames],
  );
  return new Map(rows.map((row) => [row.nickname, row.id]));
}

export interface UserRow {
  id: number;
  nickname: string;
  password: string | null;
}

export async function findUserByMail(db: Queryable, mail: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    'SELECT id, nickname, password FROM t_caver WHERE lower(mail) = lower($1)',
    [mail],
  );
  return rows[0] ?? null;
}

/** Creates the user with that mail, or updates the one that has it; returns its id. */
export async function upsertUserByMail(
  db: Queryable,
  user: { mail: string; nickname: string; passwordHash: string; language: string },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `WITH existing AS (
       UPDATE t_caver SET nickname = $2, password = $3, id_language = $4
        WHERE lower(mail) = lower($1) RETURNING id
     ), created AS (
       INSERT INTO t_caver (mail, nickname, password, id_language)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id
     )
     SELECT id FROM existing UNION ALL SELECT id FROM created`,
    [user.mail, user.nickname, user.passwordHash, user.language],
  );
  return rows[0].id;
}

/** Makes `groupId` the caver's only group. */
export async function replaceCaverGroups(db: Queryable, caverId: number, groupId: number): Promise<void> {
  await db.query('DELETE FROM j_caver_group WHERE id_caver = $1', [caverId]);
  await db.query('INSERT INTO j_caver_group (id_caver, id_group) VALUES ($1, $2)', [caverId, groupId]);
}

export async function groupsOfCaver(db: Queryable, caverId: number): Promise<{ id: number; name: string }[]> {
  const { rows } = await db.query<{ id: number; name: string }>(
    `SELECT g.id, g.name FROM j_caver_group j JOIN t_group g ON g.id = j.id_group
      WHERE j.id_caver = $1 ORDER BY g.id`,
    [caverId],
  );
  return rows;
}

export async function anyCaverInGroup(db: Queryable, groupId: number): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM j_caver_group WHERE id_group = $1 LIMIT 1', [groupId]);
  return rows.length > 0;
}

/** Records a login, and replaces the password hash when a new one is given (an upgraded algorithm). */
export async function recordConnection(
  db: Queryable,
  caverId: number,
  newPasswordHash?: string,
): Promise<void> {
  await db.query(
    'UPDATE t_caver SET date_last_connection = now(), password = COALESCE($2, password) WHERE id = $1',
    [caverId, newPasswordHash ?? null],
  );
}

/**
 * Holds, to the end of the caller's transaction, the lock that keeps two processes starting
 * together from both creating the development administrator.
 */
export async function lockDevelopmentAdminCreation(db: Queryable): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('cave-import:dev-admin'))");
}

export interface CaverContact {
  mail: string | null;
  nickname: string;
  id_language: string;
  /** False when the caver turned notification emails off (SPEC 12.4). */
  send_notification_by_email: boolean;
}

/** Who to write to about a batch, and whether they want emails: null when the caver does not exist. */
export async function findCaverContact(db: Queryable, caverId: number): Promise<CaverContact | null> {
  const { rows } = await db.query<CaverContact>(
    'SELECT mail, nickname, id_language, send_notification_by_email FROM t_caver WHERE id = $1',
    [caverId],
  );
  return rows[0] ?? null;
}

export interface NotificationPreference {
  send_notification_by_email: boolean;
}

/** The caver's email preference: null when the caver does not exist. */
export async function findNotificationPreference(
  db: Queryable,
  caverId: number,
): Promise<NotificationPreference | null> {
  const { rows } = await db.query<NotificationPreference>(
    'SELECT send_notification_by_email FROM t_caver WHERE id = $1',
    [caverId],
  );
  return rows[0] ?? null;
}

/** Sets the caver's email preference and returns it: null when the caver does not exist. */
export async function updateNotificationPreference(
  db: Queryable,
  caverId: number,
  preference: NotificationPreference,
): Promise<NotificationPreference | null> {
  const { rows } = await db.query<NotificationPreference>(
    `UPDATE t_caver SET send_notification_by_email = $2 WHERE id = $1
     RETURNING send_notification_by_email`,
    [caverId, preference.send_notification_by_email],
  );
  return rows[0] ?? null;
}
