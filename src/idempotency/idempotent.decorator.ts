import {
  SetMetadata,
  UseInterceptors,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import { IDEMPOTENT, IdempotencyInterceptor, KEY_CLAIM } from './idempotency.interceptor.js';
import type { IdempotentSettings } from './idempotency.interceptor.js';
import type { KeyClaim } from './key-claim.js';

/**
 * Makes a write endpoint idempotent by the `Idempotency-Key` header. With `required`, a
 * request without a key is refused (400 `idempotency_key_required`).
 *
 * @example
 * @Post('bulk')
 * @Idempotent({ required: true })
 * bulk(@Body() body: BulkDto, @ClaimedKey() claim: KeyClaim) { ... }
 */
export function Idempotent(settings: IdempotentSettings = { required: false }) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, settings),
    UseInterceptors(IdempotencyInterceptor),
  );
}

/** The request's claim on its key, or undefined when it came without one. */
export const ClaimedKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeyClaim | undefined =>
    context.switchToHttp().getRequest<Request & { [KEY_CLAIM]?: KeyClaim }>()[KEY_CLAIM],
);
