import type { ThrottlerStorage } from '@nestjs/throttler';

import { SqlStatement } from '../common/persistence/sql-statement.js';
import type { TransactionRunner } from '../common/persistence/transaction-runner.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One statement per request: concurrent requests of one key, on any instance, all count.
const COUNT_HIT = new SqlStatement(`
  INSERT INTO rate_limit_windows (bucket, hits, ends_at) VALUES (?, 1, ?)
  ON CONFLICT (bucket) DO UPDATE SET hits = rate_limit_windows.hits + 1
  RETURNING hits`);

// The first request of a window clears that tracker's ended ones, so each key keeps one row.
const FORGET_ENDED = new SqlStatement(
  'DELETE FROM rate_limit_windows WHERE bucket LIKE ? AND ends_at <= ?',
);

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
      const {
        rows: [row],
      } = await COUNT_HIT.run<{ hits: number }>(manager, [`${key}@${windowStart}`, endsAt]);
      if (Number(row.hits) === 1) {
        await FORGET_ENDED.run(manager, [`${key}@%`, new Date(now)]);
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
