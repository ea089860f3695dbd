import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startTestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';
import type { TestClub } from './support/test-app.js';
import { startService } from './support/service-process.js';

const TRIALS = 3;
const ITEMS = 100;

// A small deterministic generator, so that a failing trial can be run again from its seed.
function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;

    return state / 2 ** 32;
  };
}

describe('a batch interrupted by SIGKILL', () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  let club: TestClub;
  let db: TestDatabase;
  let env: Record<string, string | undefined>;

  before(async () => {
    db = await createTestDatabase();
    env = { ...db.env, IDEMPOTENCY_LEASE_MS: '1000' };
    const seeding = await startTestApp({}, db);
    club = await seeding.club();
    await seeding.app.close();
  });
  after(() => db.drop());

  const count = async (sql: string, ...params: unknown[]) =>
    Number((await db.query<{ n: number }>(sql, params))[0].n);

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`applies every item exactly once after a crash and a retry (trial ${trial}, seed ${seed})`, async () => {
      const key = `crash-${seed}-${trial}`;
      const body = {
        operations: Array.from({ length: ITEMS }, (_, i) => ({
          op: 'create',
          data: { name: `Crash ${trial} lid ${i}` },
        })),
      };
      const killAt = 1 + Math.floor(next() * (ITEMS - 10));
      const send = (baseUrl: string) =>
        fetch(`${baseUrl}/api/v1/members/bulk`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${club.key}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': key,
          },
          body: JSON.stringify(body),
        });
      const ledger = () =>
        count(
          `SELECT COUNT(*) AS n FROM idempotency_items i JOIN idempotency_keys k ON k.id = i.key_id
           WHERE k.key = ?`,
          key,
        );

      const first = await startService(env);
      const interrupted = send(first.baseUrl).catch(() => null);
      while ((await ledger()) < killAt) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      first.child.kill('SIGKILL');
      await first.exited;
      await interrupted;
      const appliedBeforeCrash = await ledger();
      assert.ok(appliedBeforeCrash < ITEMS, `the batch finished before the kill (at ${killAt})`);

      const second = await startService(env);
      try {
        let response = await send(second.baseUrl);
        while (response.status === 409) {
          assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
          await new Promise((resolve) => setTimeout(resolve, 200));
          response = await send(second.baseUrl);
        }
        const answer = (await response.json()) as {
          results: { status: number; id: number }[];
          succeeded: number;
        };

        assert.equal(response.status, 200, second.output());
        assert.equal(answer.results.length, ITEMS);
        assert.equal(answer.succeeded, ITEMS);
        assert.ok(answer.results.every((r) => r.status === 201));
        const ids = answer.results.map((r) => r.id);
        assert.equal(new Set(ids).size, ITEMS);
        const rows = await db.query<{ id: number; name: string }>(
          'SELECT id, name FROM members WHERE club_id = ? AND name LIKE ? ORDER BY id',
          [club.id, `Crash ${trial} lid %`],
        );
        assert.equal(rows.length, ITEMS, `${rows.length} rows for ${ITEMS} items`);
        assert.deepEqual(
          rows.map((r) => r.id),
          [...ids].sort((a, b) => a - b),
        );
        assert.equal(new Set(rows.map((r) => r.name)).size, ITEMS);
        assert.equal(await ledger(), ITEMS);
        const state = await db.query('SELECT state FROM idempotency_keys WHERE key = ?', [key]);
        assert.deepEqual(state, [{ state: 'completed' }]);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    });
  }
});
