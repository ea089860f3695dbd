import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startService } from './support/service-process.js';
import type { ServiceProcess } from './support/service-process.js';
import { bearer, seedClub, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';
import { TEST_DB_KIND, createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

describe('rate limits per API key', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    club = await t.club();
  });
  after(() => t.close());

  it('answers 429 rate_limit_exceeded with Retry-After past the budget, with RateLimit headers', async () => {
    const own = await t.key(club.slug, ['members:read']);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.http().get('/api/v1/members').set(bearer(own.key)).expect(200);
      assert.equal(response.headers['ratelimit-limit'], '5');
      assert.match(response.headers['ratelimit-reset'], /^\d+$/);
      remaining.push(response.headers['ratelimit-remaining']);
    }

    const refused = await t.http().get('/api/v1/members').set(bearer(own.key)).expect(429);

    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
    assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(refused.body.type.endsWith('/rate_limit_exceeded'), true);
    assert.equal(refused.body.status, 429);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, refused.headers['retry-after']);
  });

  it('gives every key its own budget', async () => {
    const first = await t.key(club.slug, ['members:read']);
    const second = await t.key(club.slug, ['members:read']);
    for (let i = 0; i < 5; i++) {
      await t.http().get('/api/v1/members').set(bearer(first.key)).expect(200);
    }
    await t.http().get('/api/v1/members').set(bearer(first.key)).expect(429);

    await t.http().get('/api/v1/members').set(bearer(second.key)).expect(200);
  });

  it('counts a bulk request as one request, and keeps the headers out of the stored answer', async () => {
    const writer = await t.key(club.slug, ['members:write']);
    const body = {
      operations: Array.from({ length: 50 }, (_, i) => ({
        op: 'create',
        data: { name: `Teller ${i}` },
      })),
    };

    const first = await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(writer.key))
      .set('Idempotency-Key', 'counted-once')
      .send(body)
      .expect(200);
    const replay = await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(writer.key))
      .set('Idempotency-Key', 'counted-once')
      .send(body)
      .expect(200);

    assert.equal(first.headers['ratelimit-remaining'], '4');
    assert.equal(replay.headers['ratelimit-remaining'], '3');
    const [stored] = await t.sql<{ response_headers: string }>(
      "SELECT response_headers FROM idempotency_keys WHERE key = 'counted-once'",
    );
    assert.doesNotMatch(stored.response_headers, /ratelimit/i);
  });

  it('does not count requests without a valid key, nor the health check', async () => {
    const own = await t.key(club.slug, ['members:read']);
    for (let i = 0; i < 8; i++) {
      await t.http().get('/health').expect(200);
      await t
        .http()
        .get('/api/v1/members')
        .set(bearer('ct_live_' + 'x'.repeat(32)))
        .expect(401);
    }

    const response = await t.http().get('/api/v1/members').set(bearer(own.key)).expect(200);

    assert.equal(response.headers['ratelimit-remaining'], '4');
  });
});

const postgresOnly =
  TEST_DB_KIND === 'postgres' ? false : 'several processes share a PostgreSQL database only';

describe('rate limits over two instances', { skip: postgresOnly }, () => {
  let db: TestDatabase;
  let club: TestClub;
  let instances: ServiceProcess[];

  before(async () => {
    db = await createTestDatabase();
    club = await seedClub(db);
    const env = { ...db.env, RATE_LIMIT_MAX: '6', RATE_LIMIT_WINDOW_MS: '60000' };
    instances = await Promise.all([startService(env), startService(env)]);
  });
  after(async () => {
    for (const instance of instances ?? []) {
      instance.child.kill('SIGTERM');
      await instance.exited;
    }
    await db.drop();
  });

  it('counts the requests of one key on both instances together', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${instances[i % 2].baseUrl}/api/v1/club`, {
        headers: { Authorization: `Bearer ${club.key}` },
      });
      statuses.push(response.status);
    }

    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
  });
});
