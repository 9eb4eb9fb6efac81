import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { NotAuthenticatedError } from '../core/errors';
import type { GroupRef, TokenPayload } from './groups';

/** A token that cannot be trusted; the message says why (missing, malformed, expired...). */
export class InvalidTokenError extends NotAuthenticatedError {}

/** `expiresIn` in seconds (a number: jsonwebtoken reads a string of digits as milliseconds). */
export function signToken(payload: TokenPayload, salt: string, expiresIn: number): string {
  const { id, nickname, groups } = payload;
  return jwt.sign({ id, nickname, groups }, salt, {
    algorithm: 'HS256',
    expiresIn,
  });
}

/**
 * The salt as a secret key, made once per salt: given the string, jsonwebtoken tries it as a public
 * key first and builds an error (stack trace included) on every request before falling back.
 */
let verificationKey: { salt: string; key: KeyObject } | undefined;
function keyOf(salt: string): KeyObject {
  if (verificationKey?.salt !== salt)
    verificationKey = { salt, key: createSecretKey(Buffer.from(salt, 'utf8')) };
  return verificationKey.key;
}

/** Reads `Authorization: Bearer <token>`; throws InvalidTokenError with the reason otherwise. */
export function verifyBearer(header: string | undefined, salt: string): TokenPayload {
  if (!header) throw new InvalidTokenError('Missing Authorization header.');
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw new InvalidTokenError('Authorization header must be "Bearer <token>".');
  let decoded: unknown;
  try {
    decoded = jwt.verify(match[1], keyOf(salt), { algorithms: ['HS256'] });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new InvalidTokenError('Token expired.');
    throw new InvalidTokenError('Invalid token.');
  }
  if (!isTokenPayload(decoded)) throw new InvalidTokenError('Invalid token payload.');
  // A token without an expiry would be valid for ever, however it leaked.
  if (typeof (decoded as { exp?: unknown }).exp !== 'number')
    throw new InvalidTokenError('Token has no expiry.');
  return { id: decoded.id, nickname: decoded.nickname, groups: decoded.groups };
}

/** A caver or group id as the database holds it: a positive PostgreSQL integer. */
const isRecordId = (value: unknown): boolean =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) <= 2_147_483_647;

function isTokenPayload(value: unknown): value is TokenPayload {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    isRecordId(candidate.id) &&
    typeof candidate.nickname === 'string' &&
    Array.isArray(candidate.groups) &&
    candidate.groups.every(
      (g: unknown) => typeof g === 'object' && g !== null && isRecordId((g as GroupRef).id),
    )
  );
}
