/**
 * The domain's error vocabulary. Domain code throws these with a message a person can act on; it
 * never picks an HTTP status. `api/lib/http/errors.ts` maps each kind to its status in one table.
 */
export abstract class DomainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed or its content breaks a rule (a missing column, a bad parameter). */
export class InvalidInputError extends DomainError {}

/** No valid credentials: a missing, malformed, badly signed or expired token, or a wrong password. */
export class NotAuthenticatedError extends DomainError {}

/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {}

/** What the request names does not exist, or is not the caller's to see. */
export class NotFoundError extends DomainError {}

/** The request is larger than a configured limit (body size, rows). */
export class TooLargeError extends DomainError {}

/** The body is in an encoding or charset the service does not read. */
export class UnsupportedMediaTypeError extends DomainError {}

/** The job queue cannot be reached: nothing can be enqueued now. */
export class QueueUnavailableError extends DomainError {}

/** Creating the batch failed after the checks passed; nothing of it was kept. */
export class EnqueueFailedError extends DomainError {}

/** Anything caught becomes an Error, so logs and job outputs always have a message. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return new Error(String((value as { message: unknown }).message));
  }
  return new Error(String(value));
}
