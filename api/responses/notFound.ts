import type { Response } from '../../types/http';
import { NotFoundError } from '../lib/core/errors';
import { sendError } from '../lib/http/errors';

/** Sails' built-in res.notFound() (no route matched), answered as JSON like every other error. */
export = function notFound(this: { res: Response }) {
  sendError(this.res, new NotFoundError('Not found.'));
};
