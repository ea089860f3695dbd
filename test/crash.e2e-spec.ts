import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startService } from './support/service-process.js';
import type { ServiceProcess } from './support/service-process.js';
import { startTestApp } from './support/test-app.js';
import type { TestClub } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 30);
const ITEMS = 100;
const LEASE_MS = 1000;

// A small deterministic generator, so that a failing run can be repeated from its seed.
function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;

    return state / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  results: { status: number; id?: number }[];
  succeeded: number;
  failed: number;
}

/**
 * Crash trials: the real service process is killed with SIGKILL at a random moment of a
 * 100-item batch (members or attendance), started again (on PostgreSQL the retry sometimes goes
 * to the other instance), and the batch retried with the same key until it answers. Every item
 * must then be applied exactly once.
 */
describe('batches interrupted by SIGKILL', () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  const totals = { trials: 0, items: 0, duplicates: 0, losses: 0 };
  let db: TestDatabase;
  let env: Record<string, string | undefined>;
  let club: TestClub;
  let attendees: number[];
  let instances: (ServiceProcess | null)[];

  before(async () => {
    db = await createTestDatabase();
    env = { ...db.env, IDEMPOTENCY_LEASE_MS: String(LEASE_MS), IDEMPOTENCY_WAIT_MS: '200' };
    const seeding = await startTestApp({}, db);
    club = await seeding.club();
    attendees = [];
    for (let i = 0; i < 10; i++) {
      const member = await seeding
        .http()
        .post('/api/v1/members')
        .set('Authorization', `Bearer ${club.key}`)
        .send({ name: `Deelnemer ${i}` })
        .expect(201);
      attendees.push(member.body.id as number);
    }
    await seeding.app.close();
    // Several processes share one database only on PostgreSQL.
    const count = db.kind === 'postgres' ? 2 : 1;
    instances = await Promise.all(Array.from({ length: count }, () => startService(env)));
  });
  after(async () => {
    for (const instance of instances ?? []) {
      instance?.child.kill('SIGKILL');
      await instance?.exited;
    }
    await db.drop();
  });

  const count = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: number }>(sql, params))[0].n);
  const ledger = (key: string) =>
    count(
      `SELECT COUNT(*) AS n FROM idempotency_items i JOIN idempotency_keys k ON k.id = i.key_id
       WHERE k.key = ?`,
      [key],
    );
  const send = (instance: ServiceProcess, path: string, key: string, body: object) =>
    fetch(`${instance.baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${club.key}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
      },
      body: JSON.stringify(body),
    });

  function batchOf(trial: number): { path: string; body: object; kind: string } {
    if (trial % 2 === 1) {
      const operations = Array.from({ length: ITEMS }, (_, i) => ({
        op: 'create',
        data: { name: `Crash ${trial} lid ${i}`, group_ids: [club.groupIds[i % 3]] },
      }));

      return { path: '/members/bulk', body: { operations }, kind: 'members' };
    }
    // Ten members on ten days of the trial's own month: a hundred distinct records.
    const records = Array.from({ length: ITEMS }, (_, i) => ({
      member_id: attendees[i % 10],
      group_id: club.groupIds[0],
      date: `${2000 + trial}-01-${String(Math.floor(i / 10) + 1).padStart(2, '0')}`,
      present: i % 3 !== 0,
    }));

    return { path: '/attendance/bulk', body: { records }, kind: 'attendance' };
  }

  // Duplicates and losses of one trial, from the rows themselves.
  async function check(trial: number, kind: string, answer: Answer) {
    const ids = answer.results.map((r) => r.id);
    if (kind === 'members') {
      const rows = await db.query<{ id: number; name: string; groups: number }>(
        `SELECT m.id, m.name, COUNT(g.group_id) AS groups FROM members m
         LEFT JOIN member_groups g ON g.member_id = m.id
         WHERE m.club_id = ? AND m.name LIKE ? GROUP BY m.id, m.name ORDER BY m.id`,
        [club.id, `Crash ${trial} lid %`],
      );
      const names = new Set(rows.map((r) => r.name));
      assert.ok(
        rows.every((r) => Number(r.groups) === 1),
        'a member without its group',
      );
      assert.deepEqual(
        rows.map((r) => r.id),
        [...ids].sort((a, b) => a! - b!),
      );

      return { duplicates: rows.length - names.size, losses: ITEMS - names.size };
    }
    const rows = await db.query<{ id: number; upserts: number }>(
      `SELECT id, upserts FROM attendance_records WHERE club_id = ? AND "date" LIKE ? ORDER BY id`,
      [club.id, `${2000 + trial}-01-%`],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      [...ids].sort((a, b) => a! - b!),
    );

    return {
      duplicates: rows.filter((r) => Number(r.upserts) !== 1).length,
      losses: ITEMS - rows.length,
    };
  }

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`applies every item exactly once after a crash and a retry (trial ${trial}, seed ${seed})`, async () => {
      const { path, body, kind } = batchOf(trial);
      const key = `crash-${seed}-${trial}`;
      const victim = Math.floor(next() * instances.length);
      // 0 kills before the first item, 100 after the last, before or after the answer is stored.
      const killAt = Math.floor(next() * (ITEMS + 1));
      const target = instances[victim]!;

      const interrupted = send(target, path, key, body).catch(() => null);
      while ((await ledger(key)) < killAt && target.child.exitCode === null) {
        await sleep(1);
      }
      target.child.kill('SIGKILL');
      await target.exited;
      await interrupted;
      instances[victim] = null;
      const restarted = startService(env).then((instance) => (instances[victim] = instance));
      // On PostgreSQL the retry goes to either instance, the one that died once it is back.
      const retryOn = Math.floor(next() * instances.length);
      if (retryOn === victim || instances[retryOn] === null) {
        await restarted;
      }

      let response = await send(instances[retryOn]!, path, key, body);
      while (response.status === 409) {
        assert.match(await response.text(), /idempotency_key_in_progress/);
        assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
        await sleep(100);
        response = await send(instances[retryOn]!, path, key, body);
      }
      assert.equal(response.status, 200);
      const answer = (await response.json()) as Answer;
      await restarted;

      assert.equal(answer.results.length, ITEMS);
      assert.equal(answer.succeeded, ITEMS);
      assert.ok(answer.results.every((r) => r.status === 201 && typeof r.id === 'number'));
      const found = await check(trial, kind, answer);
      totals.trials += 1;
      totals.items += ITEMS;
      totals.duplicates += found.duplicates;
      totals.losses += found.losses;
      assert.deepEqual(found, { duplicates: 0, losses: 0 });
      assert.equal(await ledger(key), ITEMS);
      const [row] = await db.query<{ state: string }>(
        'SELECT state FROM idempotency_keys WHERE key = ?',
        [key],
      );
      assert.equal(row.state, 'completed');
    });
  }

  it('leaves no key in progress and reports the trials', async (t) => {
    const stuck = await count(
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE state = 'in_progress' AND key LIKE ?",
      [`crash-${seed}-%`],
    );
    t.diagnostic(
      `crash trials on ${db.kind}: ${totals.trials} trials, ${totals.items} items checked, ` +
        `${totals.duplicates} duplicates, ${totals.losses} losses (seed ${seed})`,
    );

    assert.equal(stuck, 0);
    assert.equal(totals.trials, TRIALS);
    assert.equal(totals.duplicates, 0);
    assert.equal(totals.losses, 0);
  });
});
