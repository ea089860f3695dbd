import { Column } from 'typeorm';
import type { ColumnOptions } from 'typeorm';

type Database = 'sqlite' | 'postgres';

const TYPE_OF: Record<Database, ColumnOptions> = {
  sqlite: { type: 'datetime' },
  postgres: { type: 'timestamptz', precision: 3 },
};

// SQLite has no `timestamptz`, PostgreSQL no `datetime`, and a decorator runs when its class is
// loaded: before the configuration is read for an entity imported by a service, after it for one
// that TypeORM loads by its file name. Both get the type of the database in use.
const timestampColumns: ColumnOptions[] = [];
let current: Database = 'sqlite';

/** A UTC instant with milliseconds: `datetime` on SQLite, `timestamptz(3)` on PostgreSQL. */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  const column: ColumnOptions = { ...options, ...TYPE_OF[current] };
  timestampColumns.push(column);

  return Column(column);
}

/** Gives every timestamp column, declared or still to be, the type of this database. */
export function useTimestampType(database: Database): void {
  current = database;
  for (const column of timestampColumns) {
    Object.assign(column, { precision: undefined }, TYPE_OF[database]);
  }
}
