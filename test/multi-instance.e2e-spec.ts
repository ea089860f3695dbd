import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { memberCreates as creates } from './support/batches.js';
import { startService } from './support/service-process.js';
import type { ServiceProcess } from './support/service-process.js';
import { seedClub } from './support/test-app.js';
import type { TestClub } from './support/test-app.js';
import { TEST_DB_KIND, createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

const PURGE_INTERVAL_MS = 500;
const postgresOnly =
  TEST_DB_KIND === 'postgres' ? false : 'several processes share a PostgreSQL database only';

describe('two service processes on one database', { skip: postgresOnly }, () => {
  let db: TestDatabase;
  let club: TestClub;
  let instances: ServiceProcess[];

  before(async () => {
    db = await createTestDatabase();
    club = await seedClub(db);
    const env = {
      ...db.env,
      IDEMPOTENCY_WAIT_MS: '2000',
      IDEMPOTENCY_PURGE_INTERVAL_MS: String(PURGE_INTERVAL_MS),
    };
    instances = await Promise.all([startService(env), startService(env)]);
  });
  after(async () => {
    for (const instance of instances ?? []) {
      instance.child.kill('SIGTERM');
      await instance.exited;
    }
    await db.drop();
  });

  const call = (i: number, method: string, path: string, body: unknown, key?: string) =>
    fetch(`${instances[i % 2].baseUrl}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${club.key}`,
        'Content-Type': 'application/json',
        ...(key ? { 'Idempotency-Key': key } : {}),
      },
      body: JSON.stringify(body),
    });
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: number }>(sql, params))[0].n);

  it('executes fifty concurrent requests with one key once, over both instances', async () => {
    const body = creates(30, 'Samen');

    const responses = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await call(i, 'POST', '/members/bulk', body, 'shared-key-1');

        return { status: response.status, text: await response.text() };
      }),
    );

    const statuses = new Set(responses.map((r) => r.status));
    assert.ok(
      [...statuses].every((s) => s === 200 || s === 409),
      [...statuses].join(','),
    );
    const answers = responses.filter((r) => r.status === 200);
    assert.ok(answers.length > 0);
    assert.ok(answers.every((r) => r.text === answers[0].text));
    for (const refused of responses.filter((r) => r.status === 409)) {
      assert.match(refused.text, /idempotency_key_in_progress/);
    }
    assert.equal(await count("SELECT COUNT(*) AS n FROM members WHERE name LIKE 'Samen %'"), 30);
    const final = await call(0, 'POST', '/members/bulk', body, 'shared-key-1');
    assert.equal(final.headers.get('idempotency-replayed'), 'true');
  });

  it('applies concurrent batches with different keys on both instances, all of them', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(i, 'POST', '/members/bulk', creates(20, `Apart ${i}`), `apart-${i}`),
      ),
    );

    for (const response of responses) {
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { succeeded: number }).succeeded, 20);
    }
    assert.equal(await count("SELECT COUNT(*) AS n FROM members WHERE name LIKE 'Apart %'"), 200);
  });

  it('leaves one row after twenty concurrent upserts of one record over both instances', async () => {
    const member = await call(0, 'POST', '/members', { name: 'Kiosk' });
    const { id } = (await member.json()) as { id: number };
    const record = { member_id: id, group_id: club.groupIds[0], date: '2026-07-02' };

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i, 'PUT', '/attendance', { ...record, present: i % 2 === 0 }),
      ),
    );

    const statuses = responses.map((r) => r.status).sort((a, b) => a - b);
    assert.deepEqual(statuses, [...Array<number>(19).fill(200), 201]);
    assert.equal(
      await count('SELECT COUNT(*) AS n FROM attendance_records WHERE member_id = ?', [id]),
      1,
    );
  });

  it('purges expired keys once per interval across both instances', async () => {
    await call(0, 'POST', '/members/bulk', creates(1, 'Verlopen'), 'expired-1');
    await db.query(
      "UPDATE idempotency_keys SET expires_at = '2020-01-01T00:00:00Z' WHERE key = ?",
      ['expired-1'],
    );
    const runs = async () =>
      count("SELECT runs AS n FROM scheduled_jobs WHERE name = 'idempotency-purge'");
    await new Promise((resolve) => setTimeout(resolve, 2 * PURGE_INTERVAL_MS));
    const before = await runs();

    const waitedMs = 10 * PURGE_INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, waitedMs));

    const ran = (await runs()) - before;
    assert.ok(ran >= 5, `${ran} runs in ${waitedMs} ms`);
    assert.ok(ran <= waitedMs / PURGE_INTERVAL_MS + 1, `${ran} runs in ${waitedMs} ms`);
    assert.equal(
      await count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'expired-1'"),
      0,
    );
  });
});
