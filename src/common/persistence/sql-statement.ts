import type Database from 'better-sqlite3';
import type pg from 'pg';
import { QueryFailedError } from 'typeorm';
import type { EntityManager, ObjectLiteral, QueryRunner } from 'typeorm';

export type SqlValue = string | number | boolean | Date | null | readonly number[];

export interface StatementResult<T> {
  rows: T[];
  /** Rows written by an INSERT, UPDATE or DELETE without `RETURNING`. */
  affected: number;
}

let statementsDefined = 0;

/**
 * One SQL statement of a hot path, written once with `?` placeholders and run with positional
 * values on the connection of a TypeORM transaction. It is prepared once per connection and
 * run straight through the driver: the query builder writes numbers into the SQL text on
 * SQLite, so each item's statement would be new to the driver and parsed again, and its
 * per-query work (metadata, parameter names, subscribers) costs more than the insert itself.
 *
 * Dates are encoded as the entity columns store them; a list of numbers is bound as one value
 * (read it with `json_each(?)` on SQLite, `ANY(?::int[])` on PostgreSQL). Where the SQL of the
 * two databases differs, the caller keeps one statement for each and picks by
 * {@link isPostgres}.
 *
 * @example
 * const INSERT = new SqlStatement('INSERT INTO t (a, b) VALUES (?, ?) RETURNING id');
 * const { rows } = await INSERT.run<{ id: number }>(manager, [a, new Date()]);
 */
export class SqlStatement {
  private readonly postgresText: string;
  private readonly name = `club_tool_${++statementsDefined}`;
  private readonly prepared = new WeakMap<Database.Database, Database.Statement>();

  constructor(private readonly text: string) {
    this.postgresText = numberedPlaceholders(text);
  }

  /** Runs the statement in the transaction of `manager`, or on its own without one. */
  async run<T = ObjectLiteral>(
    manager: EntityManager,
    values: readonly SqlValue[],
  ): Promise<StatementResult<T>> {
    const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
    try {
      return isPostgres(manager)
        ? await this.onPostgres<T>(runner, values)
        : await this.onSqlite<T>(runner, values);
    } finally {
      if (runner !== manager.queryRunner) {
        await runner.release();
      }
    }
  }

  private async onSqlite<T>(runner: QueryRunner, values: readonly SqlValue[]) {
    const db = (await runner.connect()) as Database.Database;
    const bound = values.map(toSqliteValue);
    try {
      let statement = this.prepared.get(db);
      if (!statement) {
        statement = db.prepare(this.text);
        this.prepared.set(db, statement);
      }

      return statement.reader
        ? { rows: statement.all(...bound) as T[], affected: 0 }
        : { rows: [], affected: statement.run(...bound).changes };
    } catch (error) {
      throw new QueryFailedError(this.text, bound, error as Error);
    }
  }

  // A named statement: the pool's connections parse it once each.
  private async onPostgres<T>(runner: QueryRunner, values: readonly SqlValue[]) {
    const client = (await runner.connect()) as pg.PoolClient;
    try {
      const result = await client.query({
        name: this.name,
        text: this.postgresText,
        values: values as unknown[],
      });

      return { rows: result.rows as T[], affected: result.rowCount ?? 0 };
    } catch (error) {
      throw new QueryFailedError(this.postgresText, values as unknown[], error as Error);
    }
  }
}

/** Whether `manager` works on PostgreSQL (else on SQLite). */
export function isPostgres(manager: EntityManager): boolean {
  return manager.connection.options.type === 'postgres';
}

/** A timestamp column as a statement reads it: a Date from PostgreSQL, UTC text from SQLite. */
export function timestampOf(value: unknown): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}

// `?` becomes `$1`, `$2`, …; a statement here never holds a `?` inside a string literal.
function numberedPlaceholders(text: string): string {
  let index = 0;

  return text.replace(/\?/g, () => `$${++index}`);
}

// As TypeORM stores a `datetime` column on SQLite: UTC, `YYYY-MM-DD HH:MM:SS.mmm`.
function toSqliteValue(value: SqlValue): string | number | null {
  if (value instanceof Date) {
    return value.toISOString().slice(0, 23).replace('T', ' ');
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (Array.isArray(value)) {
    return JSON.stringify(value);
  }

  return value as string | number | null;
}
