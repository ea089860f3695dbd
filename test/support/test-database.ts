import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

export type Env = Record<string, string | undefined>;

export type DatabaseKind = 'sqlite' | 'postgres';

/** Which database the suite runs on: SQLite unless `CLUB_TOOL_TEST_DB=postgres`. */
export const TEST_DB_KIND: DatabaseKind =
  process.env.CLUB_TOOL_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A throw-away database of one test file: a SQLite file in a fresh temporary folder, or a
 * PostgreSQL database created for it on the server of `DATABASE_URL` and dropped after.
 * `env` is what the service, the command-line tool or a test app needs to use it.
 */
export interface TestDatabase {
  kind: DatabaseKind;
  env: Env;
  /** A folder of the test's own, for files beside the database. */
  dir: string;
  /** SQL with `?` placeholders, on a connection of the test's own (it sees committed rows). */
  query<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  /** A timestamp as the database's own columns hold it, for SQL that sets one. */
  timestamp(date: Date): string;
  drop(): Promise<void>;
}

/** Refuses any database whose name does not say it is a throw-away test database. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against "${name}": not a test database.`);
  }
}

/**
 * A new throw-away database of the suite's kind; on PostgreSQL on the server of `serverUrl`
 * (by default `DATABASE_URL`), whose own database must be a test database too.
 */
export async function createTestDatabase(
  kind: DatabaseKind = TEST_DB_KIND,
  serverUrl = process.env.DATABASE_URL,
): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'club-tool-test-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });

  return kind === 'postgres'
    ? createPostgres(dir, removeDir, serverUrl)
    : createSqlite(dir, removeDir);
}

function createSqlite(dir: string, removeDir: () => void): TestDatabase {
  const path = join(dir, 'club-tool-test.sqlite');
  assertTestDatabaseName(basename(path));
  let connection: Database.Database | undefined;
  const open = () => (connection ??= new Database(path, { fileMustExist: true }));

  return {
    kind: 'sqlite',
    env: { SQLITE_PATH: path },
    dir,
    query: async <T>(sql: string, parameters: unknown[] = []) => {
      const statement = open().prepare(sql);

      return (
        statement.reader ? statement.all(...parameters) : (statement.run(...parameters), [])
      ) as T[];
    },
    timestamp: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
    drop: async () => {
      connection?.close();
      removeDir();
    },
  };
}

const INT8 = 20;
const TIMESTAMPTZ = 1184;

// Rows of the test's own queries read as they do from SQLite: counts as numbers, timestamps as
// UTC text (`2026-07-02 19:00:00.000`), so that one test serves both databases.
const SQLITE_LIKE_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) {
      return (value: string) => Number(value);
    }
    if (oid === TIMESTAMPTZ) {
      return (value: string) => new Date(value).toISOString().replace('T', ' ').replace('Z', '');
    }

    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

async function createPostgres(
  dir: string,
  removeDir: () => void,
  serverUrl: string | undefined,
): Promise<TestDatabase> {
  if (!serverUrl) {
    throw new Error(
      'CLUB_TOOL_TEST_DB=postgres needs DATABASE_URL, a test database to start from.',
    );
  }
  assertTestDatabaseName(new URL(serverUrl).pathname.slice(1));
  const name = `club_tool_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2, types: SQLITE_LIKE_TYPES });
  // An idle connection dies with its server (the outage test stops one); the next query reconnects.
  pool.on('error', () => undefined);

  return {
    kind: 'postgres',
    env: { DATABASE_URL: url.toString() },
    dir,
    query: async <T>(sql: string, parameters: unknown[] = []) => {
      let index = 0;
      const result = await pool.query(
        sql.replace(/\?/g, () => `$${++index}`),
        parameters,
      );

      return result.rows as T[];
    },
    timestamp: (date) => date.toISOString(),
    drop: async () => {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
      removeDir();
    },
  };
}
