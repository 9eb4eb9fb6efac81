/**
 * Login attempts, limited per account address and per client address (SPEC 14), counted in
 * PostgreSQL by rate-limiter-flexible so that every API process shares the same counts.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../core/errors';

export interface LoginLimits {
  /** Attempts allowed in each window for one account address. */
  perAccount: number;
  /** Attempts allowed in each window from one client address (many people may share one). */
  perClient: number;
  windowSeconds: number;
}

export interface LoginLimiter {
  /** Counts one attempt; throws TooManyRequestsError (with when to retry) past the limit. */
  consume(email: string, clientAddress: string): Promise<void>;
  /** Forgets the address's failed attempts after a successful login. */
  succeeded(email: string): Promise<void>;
}

/** Keys are hashes: the table never holds an address, and any length fits its column. */
const keyOf = (value: string) => createHash('sha256').update(value.trim().toLowerCase()).digest('base64url');

export function createLoginLimiter(pool: pg.Pool, limits: LoginLimits): LoginLimiter {
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: 't_login_attempt',
      tableCreated: true, // by migrations/0009_login_attempts.sql
      keyPrefix,
      points,
      duration: limits.windowSeconds,
      clearExpiredByTimeout: true,
    });
  const perAccount = limiter('login-account', limits.perAccount);
  const perClient = limiter('login-client', limits.perClient);
  return {
    async consume(email, clientAddress) {
      const results = await Promise.allSettled([
        perAccount.consume(keyOf(email)),
        perClient.consume(keyOf(clientAddress)),
      ]);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      for (const reason of refused) if (!(reason instanceof RateLimiterRes)) throw reason;
      if (refused.length) {
        const wait = Math.max(...refused.map((res: RateLimiterRes) => res.msBeforeNext));
        throw new TooManyRequestsError('Too many login attempts. Try again later.', Math.ceil(wait / 1000));
      }
    },
    async succeeded(email) {
      await perAccount.delete(keyOf(email));
    },
  };
}
