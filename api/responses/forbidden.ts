import type { Response } from '../../types/http';
import { ForbiddenError } from '../lib/core/errors';
import { sendError } from '../lib/http/errors';

/** Sails' built-in res.forbidden() (an action no policy allows), answered as JSON like every other error. */
export = function forbidden(this: { res: Response }) {
  sendError(this.res, new ForbiddenError('Forbidden.'));
};
