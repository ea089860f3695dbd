import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RateLimitWindows1765065600000 implements MigrationInterface {
  name = 'RateLimitWindows1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';

    await queryRunner.createTable(
      new Table({
        name: 'rate_limit_windows',
        columns: [
          { name: 'bucket', type: 'varchar', isPrimary: true },
          { name: 'hits', type: 'integer' },
          postgres
            ? { name: 'ends_at', type: 'timestamptz', precision: 3 }
            : { name: 'ends_at', type: 'datetime' },
        ],
        indices: [new TableIndex({ columnNames: ['ends_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rate_limit_windows');
  }
}
