import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { memberCreates as creates, waitFor } from './support/batches.js';
import { startService } from './support/service-process.js';
import { slowMemberInserts } from './support/contention.js';
import type { ServiceProcess } from './support/service-process.js';
import { seedClub, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';
import { TEST_DB_KIND, createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';
import { postgresBinaries, startThrowawayPostgres } from './support/throwaway-postgres.js';
import type { ThrowawayPostgres } from './support/throwaway-postgres.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function client(instance: () => ServiceProcess, club: () => TestClub) {
  return (path: string, key: string, body: object, signal?: AbortSignal) =>
    fetch(`${instance().baseUrl}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${club().key}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
      },
      body: JSON.stringify(body),
      signal,
    });
}

describe('a client that hangs up in the middle of a batch', () => {
  let db: TestDatabase;
  let club: TestClub;
  let service: ServiceProcess;

  before(async () => {
    db = await createTestDatabase();
    club = await seedClub(db);
    await slowMemberInserts(db, 20);
    service = await startService(db.env);
  });
  after(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    await db.drop();
  });

  it('does not stop the batch: it completes, is stored, and the retry replays it', async () => {
    const post = client(
      () => service,
      () => club,
    );
    const body = creates(100, 'Opgehangen');
    const hangUp = new AbortController();
    const ledger = async () =>
      Number(
        (
          await db.query<{ n: number }>(
            `SELECT items_done AS n FROM idempotency_keys WHERE key = 'hang-up-1'`,
          )
        )[0]?.n ?? 0,
      );

    const first = post('/api/v1/members/bulk', 'hang-up-1', body, hangUp.signal).catch(
      (error: Error) => error,
    );
    await waitFor(async () => (await ledger()) >= 10);
    hangUp.abort();
    assert.ok((await first) instanceof Error);
    await waitFor(async () => {
      const [row] = await db.query<{ state: string }>(
        `SELECT state FROM idempotency_keys WHERE key = 'hang-up-1'`,
      );

      return row?.state === 'completed';
    });

    const retry = await post('/api/v1/members/bulk', 'hang-up-1', body);
    const answer = (await retry.json()) as { results: unknown[]; succeeded: number };

    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('idempotency-replayed'), 'true');
    assert.equal(answer.results.length, 100);
    assert.equal(answer.succeeded, 100);
    const rows = await db.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM members WHERE name LIKE 'Opgehangen %'",
    );
    assert.equal(Number(rows[0].n), 100);
  });
});

describe('a response that cannot be stored', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  // A trigger refuses to mark any key completed: the failure the service must survive.
  const injectFault = () =>
    t.database.kind === 'postgres'
      ? t.sql(`
          CREATE FUNCTION refuse_completion() RETURNS trigger AS $$
          BEGIN
            IF NEW.state = 'completed' THEN RAISE EXCEPTION 'injected fault'; END IF;
            RETURN NEW;
          END $$ LANGUAGE plpgsql;
          CREATE TRIGGER refuse_completion BEFORE UPDATE ON idempotency_keys
            FOR EACH ROW EXECUTE FUNCTION refuse_completion();`)
      : t.sql(`
          CREATE TRIGGER refuse_completion BEFORE UPDATE ON idempotency_keys
          WHEN NEW.state = 'completed'
          BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
  const removeFault = () =>
    t.sql(
      'DROP TRIGGER refuse_completion' +
        (t.database.kind === 'postgres' ? ' ON idempotency_keys' : ''),
    );

  it('never leads to a second execution: the retry answers the same from the ledger', async () => {
    const send = () =>
      t
        .http()
        .post('/api/v1/members/bulk')
        .set('Authorization', `Bearer ${club.key}`)
        .set('Idempotency-Key', 'unstored-1')
        .send(creates(10, 'Onbewaard'));
    const members = async () =>
      Number(
        (
          await t.sql<{ n: number }>(
            "SELECT COUNT(*) AS n FROM members WHERE name LIKE 'Onbewaard %'",
          )
        )[0].n,
      );
    await injectFault();

    const first = await send().expect(200);
    const [row] = await t.sql<{ state: string }>(
      "SELECT state FROM idempotency_keys WHERE key = 'unstored-1'",
    );
    await removeFault();
    const retry = await send().expect(200);

    assert.equal(row.state, 'in_progress');
    assert.equal(first.body.succeeded, 10);
    assert.equal(retry.text, first.text);
    assert.equal(await members(), 10);
    const replay = await send().expect(200);
    assert.equal(replay.headers['idempotency-replayed'], 'true');
    assert.equal(replay.text, first.text);
  });
});

const outageSkip =
  TEST_DB_KIND !== 'postgres'
    ? 'the database can go away only on PostgreSQL'
    : postgresBinaries() === null
      ? 'needs the PostgreSQL server binaries to start a cluster of its own'
      : false;

describe('a database outage in the middle of a batch', { skip: outageSkip }, () => {
  let cluster: ThrowawayPostgres;
  let db: TestDatabase;
  let club: TestClub;
  let service: ServiceProcess;

  before(async () => {
    cluster = await startThrowawayPostgres(postgresBinaries()!);
    db = await createTestDatabase('postgres', cluster.serverUrl);
    club = await seedClub(db);
    await slowMemberInserts(db, 20);
    service = await startService({ ...db.env, IDEMPOTENCY_LEASE_MS: '1000' });
  });
  after(async () => {
    service?.child.kill('SIGKILL');
    await service?.exited;
    await db?.drop().catch(() => undefined);
    cluster?.destroy();
  });

  it('answers 500, half-writes nothing, says so on /health, and the retry completes', async () => {
    const post = client(
      () => service,
      () => club,
    );
    const body = {
      operations: Array.from({ length: 100 }, (_, i) => ({
        op: 'create',
        data: { name: `Storing ${i}`, group_ids: [club.groupIds[i % 3]] },
      })),
    };
    const ledger = async () =>
      Number(
        (
          await db.query<{ n: number }>(
            `SELECT items_done AS n FROM idempotency_keys WHERE key = 'outage-1'`,
          )
        )[0]?.n ?? 0,
      );
    const first = post('/api/v1/members/bulk', 'outage-1', body);
    await waitFor(async () => (await ledger()) >= 30);

    cluster.stop();
    const failed = await first;
    const problem = (await failed.json()) as { type: string; status: number; detail: string };
    const health = await fetch(`${service.baseUrl}/health`);
    cluster.start();
    await waitFor(async () => (await fetch(`${service.baseUrl}/health`)).status === 200);

    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(problem.type.endsWith('/internal_error'), true);
    assert.doesNotMatch(problem.detail, /SELECT|INSERT|ECONN|at /);
    assert.equal(health.status, 503);
    let retry = await post('/api/v1/members/bulk', 'outage-1', body);
    while (retry.status === 409) {
      await sleep(100);
      retry = await post('/api/v1/members/bulk', 'outage-1', body);
    }
    const answer = (await retry.json()) as { results: { status: number }[]; succeeded: number };
    assert.equal(retry.status, 200);
    assert.equal(answer.results.length, 100);
    assert.equal(answer.succeeded, 100);
    const rows = await db.query<{ name: string; groups: number }>(
      `SELECT m.name, COUNT(g.group_id) AS groups FROM members m
       LEFT JOIN member_groups g ON g.member_id = m.id
       WHERE m.name LIKE 'Storing %' GROUP BY m.id, m.name`,
    );
    assert.equal(rows.length, 100);
    assert.equal(new Set(rows.map((r) => r.name)).size, 100);
    assert.ok(
      rows.every((r) => Number(r.groups) === 1),
      'a member without its group',
    );
  });
});
