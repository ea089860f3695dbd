import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';

function columnsFor(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  const id: TableColumnOptions = {
    name: 'id',
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  };
  const timestamp = (name: string, isNullable = false): TableColumnOptions =>
    postgres
      ? { name, type: 'timestamptz', precision: 3, isNullable }
      : { name, type: 'datetime', isNullable };
  const text = (name: string, isNullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    isNullable,
  });
  const integer = (name: string, isNullable = false): TableColumnOptions => ({
    name,
    type: 'integer',
    isNullable,
  });

  return { id, timestamp, text, integer };
}

const cascadeTo = (table: string, column: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });

export class InitialSchema1764806400000 implements MigrationInterface {
  name = 'InitialSchema1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { id, timestamp, text, integer } = columnsFor(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'clubs',
        columns: [
          id,
          text('name'),
          { ...text('slug'), isUnique: true },
          text('plan'),
          timestamp('plan_expires_at', true),
          { name: 'demo', type: 'boolean', default: false },
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id,
          integer('club_id'),
          text('label'),
          { ...text('prefix'), isUnique: true },
          { ...text('key_hash'), isUnique: true },
          text('scopes'),
          timestamp('created_at'),
          timestamp('expires_at', true),
          timestamp('revoked_at', true),
        ],
        foreignKeys: [cascadeTo('clubs', 'club_id')],
        indices: [new TableIndex({ columnNames: ['club_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'groups',
        columns: [
          id,
          integer('club_id'),
          text('name'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        foreignKeys: [cascadeTo('clubs', 'club_id')],
        indices: [new TableIndex({ columnNames: ['club_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'members',
        columns: [
          id,
          integer('club_id'),
          text('name'),
          text('email', true),
          text('phone', true),
          text('date_of_birth', true),
          text('status'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        foreignKeys: [cascadeTo('clubs', 'club_id')],
        indices: [
          new TableIndex({ columnNames: ['club_id', 'id'] }),
          new TableIndex({ columnNames: ['club_id', 'updated_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'member_groups',
        columns: [
          { ...integer('member_id'), isPrimary: true },
          { ...integer('group_id'), isPrimary: true },
        ],
        foreignKeys: [cascadeTo('members', 'member_id'), cascadeTo('groups', 'group_id')],
        indices: [new TableIndex({ columnNames: ['group_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          id,
          integer('club_id'),
          text('actor'),
          text('action'),
          text('entity'),
          integer('entity_id'),
          timestamp('at'),
        ],
        foreignKeys: [cascadeTo('clubs', 'club_id')],
        indices: [new TableIndex({ columnNames: ['club_id', 'at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          id,
          text('tenant'),
          text('key'),
          text('method'),
          text('path'),
          text('fingerprint'),
          text('permission'),
          text('state'),
          text('holder'),
          integer('lease_token'),
          timestamp('lease_expires_at'),
          integer('items_total', true),
          { ...integer('items_done'), default: 0 },
          integer('response_status', true),
          { name: 'response_headers', type: 'text', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          timestamp('created_at'),
          timestamp('expires_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['tenant', 'key'], isUnique: true }),
          new TableIndex({ columnNames: ['expires_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_items',
        columns: [
          { ...integer('key_id'), isPrimary: true },
          { ...integer('item_index'), isPrimary: true },
          { name: 'result', type: 'text' },
        ],
        foreignKeys: [cascadeTo('idempotency_keys', 'key_id')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_items',
      'idempotency_keys',
      'audit_events',
      'member_groups',
      'members',
      'groups',
      'api_keys',
      'clubs',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
