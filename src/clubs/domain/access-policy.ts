import {
  DemoReadOnlyError,
  InsufficientScopeError,
  PlanExpiredError,
  UpgradeRequiredError,
} from './clubs.errors.js';
import { grants } from './scopes.js';
import type { Scope } from './scopes.js';

export interface ClubAccess {
  plan: string;
  planExpiresAt: Date | null;
  demo: boolean;
}

/**
 * Decides, after the key was found valid, whether the request may go on: the plan first,
 * then the demo flag, then the scope (the contract's check order).
 */
export function assertAccess(
  club: ClubAccess,
  scopes: readonly Scope[],
  request: { isWrite: boolean; requiredScope: Scope | undefined; now: Date },
): void {
  if (club.plan !== 'pro') {
    throw new UpgradeRequiredError();
  }
  if (request.isWrite && club.planExpiresAt !== null && club.planExpiresAt <= request.now) {
    throw new PlanExpiredError();
  }
  if (request.isWrite && club.demo) {
    throw new DemoReadOnlyError();
  }
  if (request.requiredScope && !grants(scopes, request.requiredScope)) {
    throw new InsufficientScopeError(request.requiredScope);
  }
}
