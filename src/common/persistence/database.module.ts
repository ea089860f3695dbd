import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import type { DatabaseConfig } from '../../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { JobSchedule } from './job-schedule.js';
import { TransactionRunner } from './transaction-runner.js';

/** The TypeORM data source, migrated at start, the transaction runner and the job schedule. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(database), retryAttempts: 0 })],
      providers: [TransactionRunner, JobSchedule],
      exports: [TransactionRunner, JobSchedule],
    };
  }
}
