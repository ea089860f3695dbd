import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TEST_DB_KIND, createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';
import { startService } from './support/service-process.js';

const embeddedOnly =
  TEST_DB_KIND === 'sqlite' ? false : 'the sample club is made only on the embedded database';

describe('the first start on an empty embedded database', { skip: embeddedOnly }, () => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;
  before(async () => {
    db = await createTestDatabase();
    env = { ...db.env, SEED_SAMPLE_CLUB: 'true' };
  });
  after(() => db.drop());

  it('creates the sample club and prints its key and a curl that gives the documented answer', async () => {
    const service = await startService(env);
    let output: string;
    try {
      output = service.output();
      const key = /^ {2}(ct_live_[0-9A-Za-z]{32})$/m.exec(output)?.[1];
      assert.ok(key, output);
      const body = /-d '(.+)'$/m.exec(output)?.[1];
      assert.ok(body, output);
      assert.match(output, /Idempotency-Key: first-import-1/);

      const response = await fetch(`${service.baseUrl}/api/v1/members/bulk`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${key}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': 'first-import-1',
        },
        body,
      });
      const answer = (await response.json()) as {
        results: { status: number; code?: string }[];
        succeeded: number;
        failed: number;
      };

      assert.equal(response.status, 200);
      assert.deepEqual(
        answer.results.map((r) => r.status),
        [201, 200, 404],
      );
      assert.equal(answer.results[2].code, 'not_found');
      assert.equal(answer.succeeded, 2);
      assert.equal(answer.failed, 1);
      const club = await fetch(`${service.baseUrl}/api/v1/club`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      const shown = (await club.json()) as { slug: string; key: { scopes: string[] } };
      assert.equal(shown.slug, 'voorbeeld');
      assert.equal(shown.key.scopes.length, 5);
      const groups = await fetch(`${service.baseUrl}/api/v1/groups`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      assert.equal(((await groups.json()) as { data: unknown[] }).data.length, 3);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }

    const again = await startService(env);
    try {
      assert.doesNotMatch(again.output(), /ct_live_/);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });
});
