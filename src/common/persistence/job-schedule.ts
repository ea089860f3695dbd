import { Injectable } from '@nestjs/common';

import { ScheduledJobEntity } from './scheduled-job.entity.js';
import { TransactionRunner } from './transaction-runner.js';

/**
 * Lets a background job run once per interval across every process on one database: each
 * process asks on its own timer, and one atomic update lets only the first ask of an interval
 * through. Nothing is held while the job runs, so a process that dies mid-run blocks nothing.
 *
 * @example
 * if (await this.schedule.claimRun('idempotency-purge', 60_000)) { await purge(); }
 */
@Injectable()
export class JobSchedule {
  constructor(private readonly db: TransactionRunner) {}

  async claimRun(name: string, intervalMs: number, now = new Date()): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ScheduledJobEntity)
        .values({ name, lastRunAt: new Date(0), runs: 0 })
        .orIgnore()
        .updateEntity(false)
        .execute();
      const claimed = await manager
        .createQueryBuilder()
        .update(ScheduledJobEntity)
        .set({ lastRunAt: now, runs: () => 'runs + 1' })
        .where('name = :name AND last_run_at <= :due', {
          name,
          due: new Date(now.getTime() - intervalMs),
        })
        .execute();

      return claimed.affected === 1;
    });
  }
}
