import type { Response } from '../../types/http';
import { InvalidInputError } from '../lib/core/errors';
import { sendError } from '../lib/http/errors';

/** Sails' built-in res.badRequest(), answered as JSON like every other error of the API. */
export = function badRequest(this: { res: Response }) {
  sendError(this.res, new InvalidInputError('Bad request.'));
};
