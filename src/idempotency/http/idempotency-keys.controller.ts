import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import type { Request } from 'express';

import { NotFoundError } from '../../common/errors/domain-error.js';
import { IDEMPOTENCY_OPTIONS } from '../idempotency.options.js';
import type { IdempotencyOptions } from '../idempotency.options.js';
import { IdempotencyKeyStore } from '../persistence/idempotency-key.store.js';

@Controller('idempotency-keys')
export class IdempotencyKeysController {
  constructor(
    private readonly keys: IdempotencyKeyStore,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  @Get(':key')
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
