import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';

import { NotFoundError } from '../../common/errors/domain-error.js';
import { ApiProblems } from '../../common/openapi/problem-responses.js';
import { MAX_KEY_LENGTH } from '../domain/idempotency-key.js';
import { IDEMPOTENCY_OPTIONS } from '../idempotency.options.js';
import type { IdempotencyOptions } from '../idempotency.options.js';
import { IdempotencyKeyStore } from '../persistence/idempotency-key.store.js';
import { IdempotencyKeySchema } from './idempotency-key.schema.js';

@ApiTags('Idempotency keys')
@Controller('idempotency-keys')
export class IdempotencyKeysController {
  constructor(
    private readonly keys: IdempotencyKeyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  @Get(':key')
  @ApiOperation({
    summary: 'What an idempotency key did',
    description:
      'Needs the scope of the endpoint the key was used on; without it, as for an unknown ' +
      'or forgotten key, the answer is 404.',
  })
  @ApiParam({ name: 'key', schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH } })
  @ApiOkResponse({ type: IdempotencyKeySchema, description: 'What the key did.' })
  @ApiProblems('not_found')
  async show(@Param('key') key: string, @Req() request: Request) {
    const row = await this.keys.find(this.options.tenantOf(request), key);
    if (!row || !this.options.mayRead(request, row.permission)) {
      throw new NotFoundError('Deze Idempotency-Key is onbekend.');
    }

    return {
      key: row.key,
      state: row.state,
      method: row.method,
      path: row.path,
      response_status: row.responseStatus,
      items_total: row.itemsTotal,
      items_done: row.itemsDone,
      created_at: row.createdAt.toISOString(),
      expires_at: row.expiresAt.toISOString(),
    };
  }
}
