/**
 * The HTTP edge's one place for error answers: every domain error kind has its status in the table
 * below, and `sendError` turns anything thrown into a status and a JSON `{ message }`. Controllers,
 * the token policy, the body parser and Sails' default responses all answer through it.
 */
import { coerceError, DatabaseUnavailableError, type ErrorKind, isDomainError } from '../core/errors';
import { createLogger } from '../core/log';
import { isUnavailableError } from '../db/pool';
import { deletedAccountError } from '../db/sql/cavers';

/** Domain error kind → HTTP status. A thrown error of no kind here is a 500 whose details stay in the log. */
const STATUS_OF: Readonly<Record<ErrorKind, number>> = Object.freeze({
  'invalid-input': 400,
  'not-authenticated': 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'too-many-requests': 429,
  unavailable: 503,
  'queue-unavailable': 500,
  'enqueue-failed': 500,
});

const log = createLogger('http');

const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

interface JsonResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

export function sendError(res: JsonResponse, error: unknown): void {
  if (res.headersSent) return;
  if (isDomainError(error)) {
    const { retryAfterSeconds } = error as { retryAfterSeconds?: number };
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(STATUS_OF[error.kind]).json({ message: error.message });
    return;
  }
  // A statement that names the requester, whose account was deleted since their token was issued.
  const accountGone = deletedAccountError(error);
  if (accountGone) {
    sendError(res, accountGone);
    return;
  }
  // The database restarting, busy or lost for a moment: the same request may well succeed soon.
  if (isUnavailableError(error)) {
    log.warn('Database unavailable while handling a request', { error: coerceError(error) });
    sendError(res, new DatabaseUnavailableError({ cause: error }));
    return;
  }
  sendServerError(res, error);
}

/** A 500 whose details stay in the log: for what no domain rule explains. */
export function sendServerError(res: JsonResponse, error: unknown): void {
  if (res.headersSent) return;
  log.error('Unexpected error while handling a request', { error: coerceError(error) });
  res.status(500).json({ message: INTERNAL_ERROR_MESSAGE });
}

/** Wraps a classic `(req, res)` Sails action so every rejection ends in `sendError`. */
export function action<Req, Res extends JsonResponse>(
  handler: (req: Req, res: Res) => Promise<void>,
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      // A refused upload (a malformed file, a limit) stops being read mid-body: close the connection
      // after the answer, so a client still sending reads the 4xx instead of a reset on its next request.
      if ((req as { complete?: boolean }).complete === false && !res.headersSent) {
        res.setHeader('Connection', 'close');
      }
      sendError(res, error);
    }
  };
}
