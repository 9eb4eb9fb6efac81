import type { AuthenticatedRequest, Response } from '../../types/http';
import { InvalidTokenError, verifyBearer } from '../lib/auth/tokens';
import { serviceContext } from '../lib/context';
import { isDomainError } from '../lib/core/errors';
import { sendError } from '../lib/http/errors';

/** 401 `{ message }` unless the request carries a valid token; sets `req.user` otherwise. */
export = function tokenAuth(req: AuthenticatedRequest, res: Response, proceed: () => void) {
  try {
    req.user = verifyBearer(req.headers.authorization, serviceContext().tokenSalt);
  } catch (error) {
    // Whatever went wrong, an unverified token is a 401, never a way to make the API answer 500.
    return sendError(res, isDomainError(error) ? error : new InvalidTokenError('Invalid token.'));
  }
  return proceed();
};
