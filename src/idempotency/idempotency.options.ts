import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

/** How the host application plugs its own tenancy and permissions into the module. */
export interface IdempotencyOptions {
  /** How long a running request holds its key before another may take it over. */
  leaseMs: number;
  /** How long a second request with a running key waits before answering 409. */
  waitMs: number;
  /** How long a key is remembered. */
  retentionMs: number;
  /** How often expired keys are purged. */
  purgeIntervalMs: number;
  /** Whose key it is: keys of two tenants never meet. Called after authentication. */
  tenantOf(request: Request): string;
  /** The permission of the endpoint, stored with the key; reading the key needs it too. */
  permissionOf(context: ExecutionContext): string;
  mayRead(request: Request, permission: string): boolean;
}
