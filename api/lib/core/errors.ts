/**
 * The domain's error vocabulary. Domain code throws these with a message a person can act on; it
 * never picks an HTTP status. `api/lib/http/errors.ts` maps each kind to its status in one table.
 */
export type ErrorKind =
  | 'invalid-input'
  | 'not-authenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'unavailable'
  | 'queue-unavailable'
  | 'enqueue-failed';

// Recognised by a global symbol, never by instanceof: Sails loads its own copy of the modules it
// requires (controllers, policies), so an error class from one copy is not the class of the other.
const DOMAIN_ERROR = Symbol.for('cave-import.domain-error');

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  readonly [DOMAIN_ERROR] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { [DOMAIN_ERROR]?: unknown })[DOMAIN_ERROR] === true
  );
}

/** The request is malformed or its content breaks a rule (a missing column, a bad parameter). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid-input';
}

/** No valid credentials: a missing, malformed, badly signed or expired token, or a wrong password. */
export class NotAuthenticatedError extends DomainError {
  readonly kind = 'not-authenticated';
}

/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** What the request names does not exist, or is not the caller's to see. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The request is larger than a configured limit (body size, rows). */
export class TooLargeError extends DomainError {
  readonly kind = 'too-large';
}

/** Too many requests of one kind (logins): try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too-many-requests';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * This process cannot take the request now (it holds as many live streams as it may), another one or
 * a later try may: try again after `retryAfterSeconds`.
 */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The database is busy or restarting (see db/pool.ts isUnavailableError): the same request may work soon. */
export class DatabaseUnavailableError extends UnavailableError {
  constructor(options?: { cause?: unknown }) {
    super('The database is busy or restarting. Try again in a moment.', 5);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The body is in an encoding or charset the service does not read. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type';
}

/** The request contradicts the resource's state (an ended batch cancelled) or an earlier request. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The job queue cannot be reached: nothing can be enqueued now. */
export class QueueUnavailableError extends DomainError {
  readonly kind = 'queue-unavailable';
}

/** Creating the batch failed after the checks passed; nothing of it was kept. */
export class EnqueueFailedError extends DomainError {
  readonly kind = 'enqueue-failed';
}

/** A setting that cannot be right: the service refuses to start, naming it. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Anything caught becomes an Error, so logs and job outputs always have a message. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return new Error(String((value as { message: unknown }).message));
  }
  return new Error(String(value));
}
