import { Inject, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerStorage, getOptionsToken } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Request } from 'express';

import { RATE_LIMIT_TRACKER } from './rate-limit.tokens.js';
import type { RateLimitTracker } from './rate-limit.tokens.js';
import { RateLimitExceededError } from './rate-limit.errors.js';

/**
 * Counts every request of an API key against one budget, whatever the route (a bulk request
 * is one request), and answers 429 `rate_limit_exceeded` with `Retry-After` past it. Sends the
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers. Runs after the key
 * guard; a route without a key (health, the reference) is not counted.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  constructor(
    @Inject(getOptionsToken()) options: ThrottlerModuleOptions,
    @Inject(ThrottlerStorage) storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(RATE_LIMIT_TRACKER) private readonly tracker: RateLimitTracker,
  ) {
    super(options, storage, reflector);
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(
      this.tracker(context.switchToHttp().getRequest<Request>()) === undefined,
    );
  }

  protected override getTracker(request: Request): Promise<string> {
    return Promise.resolve(this.tracker(request) ?? 'anonymous');
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(new RateLimitExceededError(detail.timeToBlockExpire));
  }
}
