import type { Request, Response } from '../../../../types/http';
import { signToken } from '../../../lib/auth/tokens';
import { authenticate } from '../../../lib/auth/users';
import { serviceContext } from '../../../lib/context';
import { InvalidInputError, NotAuthenticatedError } from '../../../lib/core/errors';
import { action } from '../../../lib/http/errors';

/** POST /api/v1/login `{ email, password }` → 200 `{ token }`. */
export = action(async (req: Request, res: Response) => {
  const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || !email.trim() || typeof password !== 'string' || !password) {
    throw new InvalidInputError('Both "email" and "password" are required.');
  }
  const { pool, tokenSalt, settings } = serviceContext();
  const user = await authenticate(pool, email.trim(), password);
  if (!user) throw new NotAuthenticatedError('Invalid email or password.');
  res.status(200).json({ token: signToken(user, tokenSalt, settings.tokenLifetime) });
});
