import { Column } from 'typeorm';
import type { ColumnOptions } from 'typeorm';

// The options objects of every timestamp column, so that the data source can give them the
// type that fits its database before the metadata is built (SQLite has no `timestamptz`,
// PostgreSQL no `datetime`).
const timestampColumns: ColumnOptions[] = [];

/** A UTC instant with milliseconds: `datetime` on SQLite, `timestamptz(3)` on PostgreSQL. */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  const column: ColumnOptions = { type: 'datetime', ...options };
  timestampColumns.push(column);

  return Column(column);
}

export function useTimestampType(database: 'sqlite' | 'postgres'): void {
  for (const column of timestampColumns) {
    Object.assign(
      column,
      database === 'postgres'
        ? { type: 'timestamptz', precision: 3 }
        : {
            type: 'datetime',
          },
    );
  }
}
