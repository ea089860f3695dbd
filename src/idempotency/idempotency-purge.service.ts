import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';

import { JobSchedule } from '../common/persistence/job-schedule.js';
import { IDEMPOTENCY_OPTIONS } from './idempotency.options.js';
import type { IdempotencyOptions } from './idempotency.options.js';
import { IdempotencyKeyStore } from './persistence/idempotency-key.store.js';

const JOB = 'idempotency-purge';

/**
 * Deletes keys past their retention in the background, once per interval across all the
 * processes that share the database.
 */
@Injectable()
export class IdempotencyPurgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPurgeService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly keys: IdempotencyKeyStore,
    private readonly schedule: JobSchedule,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purgeWhenDue(), this.options.purgeIntervalMs);
    this.timer.unref();
  }

  // Before the shutdown proper, so that a purge under way still has its database.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Purges if no process sharing the database did in this interval. */
  async purgeWhenDue(): Promise<void> {
    try {
      if (!(await this.schedule.claimRun(JOB, this.options.purgeIntervalMs))) {
        return;
      }
    } catch (error) {
      this.logger.warn(`The purge could not be scheduled: ${(error as Error)?.message}`);

      return;
    }
    await this.purgeOnce();
  }

  async purgeOnce(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = this.keys
      .purgeExpired()
      .then((purged) => {
        if (purged > 0) {
          this.logger.log(`Purged ${purged} expired idempotency keys`);
        }
      })
      .catch((error: unknown) => {
        this.logger.error('Purging expired idempotency keys failed', (error as Error)?.stack);
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
