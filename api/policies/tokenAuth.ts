import type { AuthenticatedRequest, Response } from '../../types/http';
import { verifyBearer } from '../lib/auth/tokens';
import { serviceContext } from '../lib/context';
import { sendError } from '../lib/http/errors';

/** 401 `{ message }` unless the request carries a valid token; sets `req.user` otherwise. */
export = function tokenAuth(req: AuthenticatedRequest, res: Response, proceed: () => void) {
  try {
    req.user = verifyBearer(req.headers.authorization, serviceContext().tokenSalt);
  } catch (error) {
    return sendError(res, error);
  }
  return proceed();
};
