import { BadRequestError, DomainError } from '../../common/errors/domain-error.js';

export type KeyState = 'in_progress' | 'completed';

export const MAX_KEY_LENGTH = 120;
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = 'idempotency_key_required';

  constructor() {
    super('Een bulkverzoek heeft een Idempotency-Key nodig.');
  }
}

export class IdempotencyKeyReuseError extends DomainError {
  readonly code = 'idempotency_key_reuse';
  override readonly logLevel = 'warn';

  constructor() {
    super('Deze Idempotency-Key is al gebruikt voor een ander verzoek.');
  }
}

export class IdempotencyKeyInProgressError extends DomainError {
  readonly code = 'idempotency_key_in_progress';
  override readonly logLevel = 'warn';

  constructor(retryAfterSeconds: number) {
    super('Het eerste verzoek met deze Idempotency-Key loopt nog; probeer het zo opnieuw.');
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

/** The request no longer holds its key: another took it over after the lease lapsed. */
export class LeaseLostError extends IdempotencyKeyInProgressError {
  constructor() {
    super(1);
  }
}

/** The header's value, or a `bad_request` for one that is empty, too long or not printable. */
export function parseKeyHeader(value: string | string[]): string {
  if (Array.isArray(value)) {
    throw new BadRequestError('Stuur precies een Idempotency-Key.');
  }
  if (value.length === 0 || value.length > MAX_KEY_LENGTH || !PRINTABLE_ASCII.test(value)) {
    throw new BadRequestError(
      `Een Idempotency-Key is 1 tot ${MAX_KEY_LENGTH} tekens printbare ASCII.`,
    );
  }

  return value;
}

/** What a request that finished left under its key, sent again on every replay. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
