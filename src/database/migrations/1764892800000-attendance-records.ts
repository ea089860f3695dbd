import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AttendanceRecords1764892800000 implements MigrationInterface {
  name = 'AttendanceRecords1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const timestamp = (name: string) =>
      postgres ? { name, type: 'timestamptz', precision: 3 } : { name, type: 'datetime' };
    const cascadeTo = (table: string, column: string) =>
      new TableForeignKey({
        columnNames: [column],
        referencedTableName: table,
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });

    await queryRunner.createTable(
      new Table({
        name: 'attendance_records',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'club_id', type: 'integer' },
          { name: 'member_id', type: 'integer' },
          { name: 'group_id', type: 'integer' },
          { name: 'date', type: 'varchar' },
          { name: 'present', type: 'boolean' },
          { name: 'upserts', type: 'integer' },
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        foreignKeys: [
          cascadeTo('clubs', 'club_id'),
          cascadeTo('members', 'member_id'),
          cascadeTo('groups', 'group_id'),
        ],
        indices: [
          new TableIndex({ columnNames: ['member_id', 'group_id', 'date'], isUnique: true }),
          new TableIndex({ columnNames: ['club_id', 'id'] }),
          new TableIndex({ columnNames: ['club_id', 'updated_at'] }),
          new TableIndex({ columnNames: ['group_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('attendance_records');
  }
}
