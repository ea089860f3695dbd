import type { ThrottlerStorage } from '@nestjs/throttler';

import { nativeQuery } from '../common/persistence/native-query.js';
import type { TransactionRunner } from '../common/persistence/transaction-runner.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One statement per request: concurrent requests of one key, on any instance, all count.
const COUNT_HIT = `
  INSERT INTO rate_limit_windows (bucket, hits, ends_at) VALUES (:bucket, 1, :endsAt)
  ON CONFLICT (bucket) DO UPDATE SET hits = rate_limit_windows.hits + 1
  RETURNING hits`;

// The first request of a window clears that tracker's ended ones, so each key keeps one row.
const FORGET_ENDED = `
  DELETE FROM rate_limit_windows WHERE bucket LIKE :tracker AND ends_at <= :now`;

/**
 * Counts requests in fixed windows in the database, where every instance sees them: for
 * PostgreSQL, where several instances may share the counts.
 */
export class DatabaseThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly db: TransactionRunner) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const windowStart = Math.floor(now / ttl) * ttl;
    const endsAt = new Date(windowStart + ttl);
    const hits = await this.db.transaction(async (manager) => {
      const [row] = await nativeQuery<{ hits: number }>(manager, COUNT_HIT, {
        bucket: `${key}@${windowStart}`,
        endsAt,
      });
      if (Number(row.hits) === 1) {
        await nativeQuery(manager, FORGET_ENDED, { tracker: `${key}@%`, now: new Date(now) });
      }

      return Number(row.hits);
    });
    const secondsLeft = Math.max(1, Math.ceil((endsAt.getTime() - now) / 1000));
    const isBlocked = hits > limit;

    return {
      totalHits: hits,
      timeToExpire: secondsLeft,
      isBlocked,
      timeToBlockExpire: isBlocked ? secondsLeft : 0,
    };
  }
}
