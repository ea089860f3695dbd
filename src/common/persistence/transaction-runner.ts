import { Injectable, Logger } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';

const SQLITE_BUSY_RETRIES = 5;

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  const driverCode = (error as { driverError?: { code?: string } } | null)?.driverError?.code ?? '';

  return [code, driverCode].some((c) => c.startsWith('SQLITE_BUSY'));
}

/**
 * The one way code here reaches the database. Each call of {@link transaction} is one
 * transaction, and every query inside it must go through the manager it hands over.
 *
 * On SQLite every unit of work is serialised: TypeORM shares one connection between all query
 * runners of that driver, so two transactions in flight would interleave on it, and a read
 * beside an open transaction would see that transaction's uncommitted rows.
 *
 * @example
 * const member = await this.db.transaction((manager) => manager.save(MemberEntity, draft));
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly serial: Mutex | null;

  constructor(readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3' ? new Mutex() : null;
  }

  get isSqlite(): boolean {
    return this.serial !== null;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.withBusyRetry(() => this.dataSource.transaction(work)));
  }

  /** Runs reads outside a transaction; on SQLite still after any open transaction. */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.dataSource.manager));
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial ? this.serial.runExclusive(work) : work();
  }

  // Another process (the command-line tool) may hold SQLite's write lock for a moment;
  // busy_timeout waits for it, except where SQLite must refuse a deferred transaction at once.
  private async withBusyRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!this.isSqlite || !isSqliteBusy(error) || attempt > SQLITE_BUSY_RETRIES) {
          throw error;
        }
        this.logger.warn(`SQLite was busy; transaction attempt ${attempt} is retried`);
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }
}
