import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';

import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import type { RateLimitConfig } from '../config/app-config.js';
import { DatabaseThrottlerStorage } from './database-throttler.storage.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RATE_LIMIT_TRACKER } from './rate-limit.tokens.js';
import type { RateLimitTracker } from './rate-limit.tokens.js';

/**
 * Rate limits per API key with `@nestjs/throttler`. The counts live in the database when
 * several instances may share it (PostgreSQL), in the process's memory when only one process
 * can use it (SQLite), which spares every request a write there.
 */
@Module({})
export class RateLimitModule {
  static forRoot(
    config: RateLimitConfig,
    shared: boolean,
    tracker: RateLimitTracker,
  ): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject: [TransactionRunner],
          useFactory: (db: TransactionRunner) => ({
            throttlers: [{ name: 'default', ttl: config.windowMs, limit: Math.max(1, config.max) }],
            ...(shared ? { storage: new DatabaseThrottlerStorage(db) } : {}),
          }),
        }),
      ],
      providers: [
        { provide: RATE_LIMIT_TRACKER, useValue: config.max > 0 ? tracker : () => undefined },
        RateLimitGuard,
      ],
      exports: [RateLimitGuard],
    };
  }
}
