import type { Request, Response } from '../../../../types/http';
import { signToken } from '../../../lib/auth/tokens';
import { authenticate } from '../../../lib/auth/users';
import { serviceContext } from '../../../lib/context';
import { action, HttpError } from '../../../lib/http/errors';

/** POST /api/v1/login `{ email, password }` → 200 `{ token }`. */
export = action(async (req: Request, res: Response) => {
  const { email, password } = (req.body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof email !== 'string' || !email.trim() || typeof password !== 'string' || !password) {
    throw new HttpError(400, 'Both "email" and "password" are required.');
  }
  const { pool, tokenSalt, settings } = serviceContext();
  const user = await authenticate(pool, email.trim(), password);
  if (!user) throw new HttpError(401, 'Invalid email or password.');
  res.status(200).json({ token: signToken(user, tokenSalt, settings.tokenLifetime) });
});
