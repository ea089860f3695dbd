import Database from 'better-sqlite3';
import pg from 'pg';

import { startTestApp } from '../test/support/test-app.js';
import type { TestClub } from '../test/support/test-app.js';
import { createTestDatabase } from '../test/support/test-database.js';
import type { DatabaseKind, Env } from '../test/support/test-database.js';

export type { DatabaseKind, Env };

/** A connection of the bench's own, straight through the driver: no ORM, no HTTP. */
export type SqlConnection =
  | { kind: 'sqlite'; db: Database.Database; close(): Promise<void> }
  | { kind: 'postgres'; client: pg.Client; close(): Promise<void> };

/** A throw-away database with the app's schema and one seeded club, its key and groups. */
export interface BenchDatabase {
  kind: DatabaseKind;
  /** What the service needs to use it. */
  env: Env;
  club: TestClub;
  connect(): Promise<SqlConnection>;
  drop(): Promise<void>;
}

/**
 * Creates the database as the tests do (a SQLite file in a temporary folder, or a database
 * created on the server of `serverUrl` and dropped after), lets the application's own
 * migrations build the schema, and seeds a club through the application's services.
 */
export async function createBenchDatabase(
  kind: DatabaseKind,
  serverUrl?: string,
): Promise<BenchDatabase> {
  const database = await createTestDatabase(kind, serverUrl);
  try {
    const seeding = await startTestApp({}, database);
    let club: TestClub;
    try {
      club = await seeding.club();
    } finally {
      await seeding.close();
    }

    return {
      kind,
      env: database.env,
      club,
      connect: () => openConnection(kind, database.env),
      drop: () => database.drop(),
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

// The pragmas of the service (data-source-options.ts), durability included.
async function openConnection(kind: DatabaseKind, env: Env): Promise<SqlConnection> {
  if (kind === 'sqlite') {
    if (!env.SQLITE_PATH) {
      throw new Error('A SQLite bench database without SQLITE_PATH');
    }
    const db = new Database(env.SQLITE_PATH, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');

    return { kind, db, close: () => Promise.resolve(void db.close()) };
  }
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();

  return { kind, client, close: () => client.end() };
}

/** SQL with `?` placeholders on either driver; answers the rows (none for a write). */
export async function query<T = Record<string, unknown>>(
  connection: SqlConnection,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  if (connection.kind === 'sqlite') {
    const statement = connection.db.prepare(sql);

    return (
      statement.reader ? statement.all(...parameters) : (statement.run(...parameters), [])
    ) as T[];
  }
  const result = await connection.client.query(numbered(sql), parameters);

  return result.rows as T[];
}

/** `?` placeholders as PostgreSQL numbers them: `$1`, `$2`, … */
export function numbered(sql: string): string {
  let index = 0;

  return sql.replace(/\?/g, () => `$${++index}`);
}

/** A timestamp as the driver takes it for the app's columns (SQLite keeps UTC text). */
export function timestampFor(kind: DatabaseKind, date: Date): string | Date {
  return kind === 'sqlite' ? date.toISOString().replace('T', ' ').replace('Z', '') : date;
}

/** A timestamp read back from either driver. */
export function dateOf(value: unknown): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}
