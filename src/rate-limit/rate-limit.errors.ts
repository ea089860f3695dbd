import { DomainError } from '../common/errors/domain-error.js';

export class RateLimitExceededError extends DomainError {
  readonly code = 'rate_limit_exceeded';

  constructor(retryAfterSeconds: number) {
    super(`Te veel verzoeken met deze sleutel; probeer het over ${retryAfterSeconds} s opnieuw.`);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}
