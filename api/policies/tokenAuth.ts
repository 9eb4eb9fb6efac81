import type { AuthenticatedRequest, Response } from '../../types/http';
import { InvalidTokenError, verifyBearer } from '../lib/auth/tokens';
import { serviceContext } from '../lib/context';

/** 401 `{ message }` unless the request carries a valid token; sets `req.user` otherwise. */
export = function tokenAuth(req: AuthenticatedRequest, res: Response, proceed: () => void) {
  try {
    req.user = verifyBearer(req.headers.authorization, serviceContext().tokenSalt);
  } catch (error) {
    const message = error instanceof InvalidTokenError ? error.message : 'Invalid token.';
    return res.status(401).json({ message });
  }
  return proceed();
};
