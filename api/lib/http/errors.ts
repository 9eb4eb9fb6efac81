/**
 * The HTTP edge's one place for error answers: every domain error kind has its status in the table
 * below, and `sendError` turns anything thrown into a status and a JSON `{ message }`. Controllers,
 * the token policy, the body parser and Sails' default responses all answer through it.
 */
import {
  coerceError,
  type DomainError,
  EnqueueFailedError,
  ForbiddenError,
  InvalidInputError,
  NotAuthenticatedError,
  NotFoundError,
  QueueUnavailableError,
  TooLargeError,
  UnsupportedMediaTypeError,
} from '../core/errors';
import { createLogger } from '../core/log';

type ErrorKind = abstract new (...args: never[]) => DomainError;

/** Domain error kind → HTTP status. A thrown error of no kind here is a 500 whose details stay in the log. */
const STATUS_OF: readonly (readonly [ErrorKind, number])[] = [
  [InvalidInputError, 400],
  [NotAuthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [TooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [QueueUnavailableError, 500],
  [EnqueueFailedError, 500],
];

const log = createLogger('http');

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

export function statusOf(error: unknown): number | undefined {
  return STATUS_OF.find(([kind]) => error instanceof kind)?.[1];
}

export function sendError(res: JsonResponse, error: unknown): void {
  if (res.headersSent) return;
  const status = statusOf(error);
  if (status !== undefined) {
    res.status(status).json({ message: (error as Error).message });
    return;
  }
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
      sendError(res, error);
    }
  };
}
