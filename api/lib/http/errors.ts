/**
 * The error vocabulary of the HTTP edge: domain code throws an HttpError with the status and the
 * message a person can act on; `sendError` is the one place that turns anything thrown into JSON.
 */
import { coerceError, createLogger } from '../log';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const log = createLogger('http');

interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

export function sendError(res: JsonResponse, error: unknown): void {
  if (res.headersSent) return;
  if (error instanceof HttpError) {
    res.status(error.status).json({ message: error.message });
    return;
  }
  log.error('Unexpected error while handling a request', { error: coerceError(error) });
  res.status(500).json({ message: 'Internal server error.' });
}

/**
 * Wraps a classic `(req, res)` Sails action so every rejection ends in `sendError`.
 */
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
