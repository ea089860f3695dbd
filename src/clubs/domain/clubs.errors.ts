import { DomainError } from '../../common/errors/domain-error.js';
import type { Scope } from './scopes.js';

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  override readonly headers = { 'WWW-Authenticate': 'Bearer' };
}

export class UpgradeRequiredError extends DomainError {
  readonly code = 'upgrade_required';

  constructor() {
    super('De API is alleen beschikbaar met het Pro-abonnement.');
  }
}

export class PlanExpiredError extends DomainError {
  readonly code = 'plan_expired';

  constructor() {
    super('Het abonnement is verlopen: lezen kan nog, schrijven niet.');
  }
}

export class DemoReadOnlyError extends DomainError {
  readonly code = 'demo_read_only';

  constructor() {
    super('Een democlub kan alleen lezen.');
  }
}

export class InsufficientScopeError extends DomainError {
  readonly code = 'insufficient_scope';

  constructor(readonly requiredScope: Scope) {
    super(`Deze sleutel mist de scope ${requiredScope}.`);
    this.extensions.required_scope = requiredScope;
  }
}
