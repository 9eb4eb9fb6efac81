import type { Request, Response } from '../../../../types/http';
import { signToken } from '../../../lib/auth/tokens';
import { authenticate } from '../../../lib/auth/users';
import { serviceContext } from '../../../lib/context';
import { InvalidInputError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';
import { jsonBodyOf } from '../../../lib/http/requestInput';
import { loginMismatch, loginSuccess } from '../../../lib/http/views/login';

/**
 * POST /api/v1/login `{ email, password }` → 200 `{ status: "Success", token }`; a wrong email or
 * password → 401 `{ status: "Mismatch", message }` (Grottocenter's shapes); too many attempts for the
 * address or from the client → 429 with Retry-After. Other errors are `{ message }`.
 */
export = action(async (req: Request, res: Response) => {
  const { email, password } = (jsonBodyOf(req) ?? {}) as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || !email.trim() || typeof password !== 'string' || !password) {
    throw new InvalidInputError('Both "email" and "password" are required.');
  }
  const { pool, tokenSalt, settings, loginLimiter } = serviceContext();
  // Counted before the password is checked: a guesser pays for every try, right or wrong.
  await loginLimiter.consume(email, req.ip ?? 'unknown');
  const user = await authenticate(pool, email.trim(), password);
  if (!user) {
    res.status(401).json(loginMismatch());
    return;
  }
  await loginLimiter.succeeded(email);
  res.status(200).json(loginSuccess(signToken(user, tokenSalt, settings.tokenLifetime)));
});
