export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'idempotency_key_required'
  | 'unauthenticated'
  | 'forbidden'
  | 'insufficient_scope'
  | 'upgrade_required'
  | 'plan_expired'
  | 'demo_read_only'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'idempotency_key_reuse'
  | 'idempotency_key_in_progress'
  | 'payload_too_large'
  | 'rate_limit_exceeded'
  | 'service_unavailable'
  | 'internal_error';

/** The one place where an error code meets its HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  idempotency_key_required: 400,
  unauthenticated: 401,
  forbidden: 403,
  insufficient_scope: 403,
  upgrade_required: 403,
  plan_expired: 403,
  demo_read_only: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reuse: 409,
  idempotency_key_in_progress: 409,
  payload_too_large: 413,
  rate_limit_exceeded: 429,
  service_unavailable: 503,
  internal_error: 500,
};

export type LogLevel = 'debug' | 'warn' | 'error';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * The base of every error the service answers on purpose. It carries the contract's code,
 * a Dutch detail for people, and the level it is logged at; the problem-details filter maps
 * it to HTTP, so domain code never builds an HTTP exception.
 *
 * @example
 * throw new NotFoundError(`Lid ${id} bestaat niet.`);
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly logLevel: LogLevel = 'debug';
  /** Extra members of the problem document, such as `errors` or `required_scope`. */
  readonly extensions: Record<string, unknown> = {};
  /** Response headers that belong to the problem, such as `Retry-After`. */
  readonly headers: Record<string, string> = {};

  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export class BadRequestError extends DomainError {
  readonly code = 'bad_request';
}

export class ValidationFailedError extends DomainError {
  readonly code = 'validation_failed';

  constructor(
    readonly errors: FieldError[],
    detail = 'De invoer is niet geldig.',
  ) {
    super(detail);
    this.extensions.errors = errors;
  }

  /** The same errors with `prefix.` in front of every field, for an item inside a body. */
  nestedUnder(prefix: string): ValidationFailedError {
    return new ValidationFailedError(
      this.errors.map((e) => ({ ...e, field: `${prefix}.${e.field}` })),
      this.detail,
    );
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class MethodNotAllowedError extends DomainError {
  readonly code = 'method_not_allowed';

  constructor(allowed: string[]) {
    super(`Deze methode is hier niet toegestaan; wel: ${allowed.join(', ')}.`);
    this.headers.Allow = allowed.join(', ');
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
  override readonly logLevel = 'error';
}
