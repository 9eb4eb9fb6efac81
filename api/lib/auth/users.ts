/** Users: creation from the command line, login, and the development administrator. */
import { randomBytes } from 'node:crypto';
import { InvalidInputError } from '../core/errors';
import type { Queryable } from '../db/pool';
import {
  anyCaverInGroup,
  findUserByMail,
  groupsOfCaver,
  lockDevelopmentAdminCreation,
  recordConnection,
  replaceCaverGroups,
  upsertUserByMail,
} from '../db/sql/cavers';
import { languageExists } from '../db/sql/referenceData';
import { GROUPS, type GroupName, type TokenPayload } from './groups';
import { hashPassword, needsRehash, verifyPassword } from './passwords';

export interface UserInput {
  email: string;
  password: string;
  nickname: string;
  group: GroupName;
  language?: string;
}

/** Creates the user, or updates the one with that mail; returns its id. Run it in a transaction. */
export async function upsertUser(db: Queryable, input: UserInput): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  const language = input.language ?? 'eng';
  if (!(await languageExists(db, language))) {
    throw new InvalidInputError(`Unknown language: ${language} (an ISO 639-3 code such as eng or fra)`);
  }
  const id = await upsertUserByMail(db, {
    mail: input.email,
    nickname: input.nickname,
    passwordHash,
    language,
  });
  await replaceCaverGroups(db, id, GROUPS[input.group]);
  return id;
}

/** Longer than any address (RFC 5321) or any password this service stores: no account has them. */
const MAX_EMAIL_LENGTH = 320;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * Whether the credentials could be an account's at all: an address with a NUL (which PostgreSQL
 * cannot even compare) or either too long is answered as a wrong one, without asking the database.
 */
function plausible(email: string, password: string): boolean {
  return (
    email.length <= MAX_EMAIL_LENGTH && password.length <= MAX_PASSWORD_LENGTH && !email.includes('\u0000')
  );
}

/** The token payload of the user with that mail and password, or null. */
export async function authenticate(
  db: Queryable,
  email: string,
  password: string,
): Promise<TokenPayload | null> {
  if (!plausible(email, password)) return null;
  const user = await findUserByMail(db, email);
  // An unknown address costs a hash comparison too, so response times do not tell which addresses exist.
  const valid = await verifyPassword(password, user?.password ?? (await unknownUserHash()));
  if (!user?.password || !valid) return null;
  // A hash stored before argon2 (bcrypt) is replaced now that the password is known to be right.
  await recordConnection(db, user.id, needsRehash(user.password) ? await hashPassword(password) : undefined);
  return { id: user.id, nickname: user.nickname, groups: await groupsOfCaver(db, user.id) };
}

let placeholderHash: Promise<string> | undefined;
const unknownUserHash = () => {
  placeholderHash ??= hashPassword(randomBytes(16).toString('hex'));
  return placeholderHash;
};

export const DEV_ADMIN_EMAIL = 'admin@localhost';

/**
 * In development, the first start creates an administrator so the service can be tried at once.
 * Returns its credentials when it was created now, null when any administrator already exists.
 * Must run inside a transaction: its lock keeps two processes starting together from both creating it.
 */
export async function ensureDevelopmentAdmin(
  db: Queryable,
): Promise<{ email: string; password: string } | null> {
  await lockDevelopmentAdminCreation(db);
  if (await anyCaverInGroup(db, GROUPS.Administrator)) return null;
  const password = randomBytes(12).toString('base64url');
  await upsertUser(db, { email: DEV_ADMIN_EMAIL, password, nickname: 'admin', group: 'Administrator' });
  return { email: DEV_ADMIN_EMAIL, password };
}
