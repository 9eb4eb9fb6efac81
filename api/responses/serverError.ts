import type { Response } from '../../types/http';
import { sendServerError } from '../lib/http/errors';

/** Sails' built-in res.serverError(), answered as JSON like every other error of the API. */
export = function serverError(this: { res: Response }, error?: unknown) {
  sendServerError(this.res, error ?? new Error('Sails reported a server error'));
};
