import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';

import { BatchRunner } from './batch-runner.js';
import { IdempotencyKeysController } from './http/idempotency-keys.controller.js';
import { IdempotencyPurgeService } from './idempotency-purge.service.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IDEMPOTENCY_OPTIONS } from './idempotency.options.js';
import type { IdempotencyOptions } from './idempotency.options.js';
import { IdempotencyKeyStore } from './persistence/idempotency-key.store.js';

/**
 * Idempotency keys for any Nest service on TypeORM: the `@Idempotent()` decorator, the
 * generic {@link BatchRunner}, `GET /idempotency-keys/:key` and the background purge. It knows
 * nothing of the endpoints it serves; the host says who the tenant is and what it may read.
 *
 * @example
 * IdempotencyModule.forRoot({ leaseMs: 5000, waitMs: 5000, retentionMs: DAY, purgeIntervalMs:
 *   60_000, tenantOf: (req) => String(req.auth.clubId), permissionOf, mayRead })
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyOptions): DynamicModule {
    const providers = [
      { provide: IDEMPOTENCY_OPTIONS, useValue: options },
      IdempotencyKeyStore,
      IdempotencyInterceptor,
      BatchRunner,
      IdempotencyPurgeService,
    ];

    return {
      module: IdempotencyModule,
      global: true,
      controllers: [IdempotencyKeysController],
      providers,
      exports: providers,
    };
  }
}
