import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduledJobs1764979200000 implements MigrationInterface {
  name = 'ScheduledJobs1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';

    await queryRunner.createTable(
      new Table({
        name: 'scheduled_jobs',
        columns: [
          { name: 'name', type: 'varchar', isPrimary: true },
          postgres
            ? { name: 'last_run_at', type: 'timestamptz', precision: 3 }
            : { name: 'last_run_at', type: 'datetime' },
          { name: 'runs', type: 'integer' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scheduled_jobs');
  }
}
