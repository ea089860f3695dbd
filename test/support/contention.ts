import pg from 'pg';

import type { TestDatabase } from './test-database.js';

const CALIBRATION_BYTES = 1_000_000;

/**
 * Makes every member insert of the test's own database take about `ms` longer, with a trigger,
 * so that a batch is still running when the test acts on it (a signal, a hang-up, an outage):
 * unslowed, a 100-item batch may end before the test has seen its tenth item. PostgreSQL
 * sleeps; SQLite has no sleep, so its trigger hashes a random blob sized to take that long.
 */
export async function slowMemberInserts(db: TestDatabase, ms: number): Promise<void> {
  if (db.kind === 'postgres') {
    await db.query(
      `CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN PERFORM pg_sleep(${ms / 1000}); RETURN NEW; END $$`,
    );
    await db.query(
      'CREATE TRIGGER test_slow_members BEFORE INSERT ON members ' +
        'FOR EACH ROW EXECUTE FUNCTION test_slow_insert()',
    );

    return;
  }
  const started = performance.now();
  await db.query('SELECT length(hex(randomblob(?))) AS n', [CALIBRATION_BYTES]);
  const msPerByte = Math.max(performance.now() - started, 0.1) / CALIBRATION_BYTES;
  const bytes = Math.round(ms / msPerByte);
  await db.query(
    'CREATE TRIGGER test_slow_members BEFORE INSERT ON members ' +
      `BEGIN SELECT length(hex(randomblob(${bytes}))); END`,
  );
}

/**
 * Holds off every write to the idempotency keys from a connection of the test's own until the
 * answer is called; reads go on. SQLite takes its one write lock (`BEGIN IMMEDIATE`);
 * PostgreSQL locks the table in EXCLUSIVE mode, which blocks writers but not readers.
 */
export async function blockKeyWrites(db: TestDatabase): Promise<() => Promise<void>> {
  if (db.kind === 'sqlite') {
    await db.query('BEGIN IMMEDIATE');

    return async () => void (await db.query('ROLLBACK'));
  }
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE idempotency_keys IN EXCLUSIVE MODE');

  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}
