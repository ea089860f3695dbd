import { Column, Entity, PrimaryColumn } from 'typeorm';

import { TimestampColumn } from './timestamp-column.js';

/** One row per background job that several processes share: when it last ran, how often. */
@Entity({ name: 'scheduled_jobs' })
export class ScheduledJobEntity {
  @PrimaryColumn({ type: 'varchar' })
  name: string;

  @TimestampColumn({ name: 'last_run_at' })
  lastRunAt: Date;

  @Column({ type: 'integer' })
  runs: number;
}
