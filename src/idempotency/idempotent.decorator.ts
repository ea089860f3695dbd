import {
  SetMetadata,
  UseInterceptors,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';

import { ApiProblems } from '../common/openapi/problem-responses.js';
import { MAX_KEY_LENGTH, PRINTABLE_ASCII } from './domain/idempotency-key.js';
import { IDEMPOTENT, IdempotencyInterceptor, KEY_CLAIM } from './idempotency.interceptor.js';
import type { IdempotentSettings } from './idempotency.interceptor.js';
import type { KeyClaim } from './key-claim.js';

export const KEY_HEADER = 'Idempotency-Key';

/**
 * Makes a write endpoint idempotent by the `Idempotency-Key` header. With `required`, a
 * request without a key is refused (400 `idempotency_key_required`). Documents the header and
 * the problems it adds in the API reference.
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
    ApiHeader({
      name: KEY_HEADER,
      required: settings.required,
      description:
        (settings.required ? 'Required. ' : 'Optional; without it a retry runs again. ') +
        'One key per logical request, sent again unchanged on every retry of it: within 24 ' +
        'hours the stored answer is replayed and nothing runs twice. Another request under ' +
        'the same key answers 409 `idempotency_key_reuse`.',
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_KEY_LENGTH,
        pattern: PRINTABLE_ASCII.source,
      },
      example: 'first-import-1',
    }),
    ApiProblems(
      'bad_request',
      ...(settings.required ? (['idempotency_key_required'] as const) : []),
      'idempotency_key_reuse',
      'idempotency_key_in_progress',
    ),
  );
}

/** The request's claim on its key, or undefined when it came without one. */
export const ClaimedKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeyClaim | undefined =>
    context.switchToHttp().getRequest<Request & { [KEY_CLAIM]?: KeyClaim }>()[KEY_CLAIM],
);
