import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SqlStatement } from '../src/common/persistence/sql-statement.js';
import { TransactionRunner } from '../src/common/persistence/transaction-runner.js';
import type { KeyClaim } from '../src/idempotency/key-claim.js';
import { LeaseLostError } from '../src/idempotency/domain/idempotency-key.js';
import { IdempotencyPurgeService } from '../src/idempotency/idempotency-purge.service.js';
import { IdempotencyKeyStore } from '../src/idempotency/persistence/idempotency-key.store.js';
import { fingerprintOf } from '../src/idempotency/domain/fingerprint.js';
import { memberCreates as creates } from './support/batches.js';
import { blockKeyWrites } from './support/contention.js';
import { startService } from './support/service-process.js';
import type { ServiceProcess } from './support/service-process.js';
import { bearer, seedClub, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

describe('idempotency keys', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp({ IDEMPOTENCY_WAIT_MS: '5000' });
    club = await t.club();
  });
  after(() => t.close());

  const bulk = (key: string | null, body: string | object, apiKey = club.key) => {
    const req = t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(apiKey))
      .set('Content-Type', 'application/json');

    return (key === null ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const memberCount = async (clubId = club.id) =>
    Number(
      (
        await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE club_id = ?', [clubId])
      )[0].n,
    );
  const keyRows = async (key: string) =>
    Number(
      (
        await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?', [
          key,
        ])
      )[0].n,
    );

  it('replays the stored answer byte for byte with Idempotency-Replayed and runs nothing twice', async () => {
    const first = await bulk('replay-1', creates(5, 'Replay')).expect(200);
    const before = await memberCount();

    const second = await bulk('replay-1', creates(5, 'Replay')).expect(200);

    assert.equal(first.headers['idempotency-replayed'], undefined);
    assert.equal(second.headers['idempotency-replayed'], 'true');
    assert.equal(second.text, first.text);
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    assert.equal(await memberCount(), before);
  });

  it('takes whitespace and key order as the same request', async () => {
    const compact = '{"operations":[{"op":"create","data":{"name":"Vorm","email":null}}]}';
    const spaced =
      '{ "operations" : [ { "data" : { "email" : null, "name" : "Vorm" },\n "op": "create" } ] }';
    const first = await bulk('canonical-1', compact).expect(200);
    const before = await memberCount();

    const second = await bulk('canonical-1', spaced).expect(200);

    assert.equal(second.headers['idempotency-replayed'], 'true');
    assert.equal(second.text, first.text);
    assert.equal(await memberCount(), before);
  });

  it('refuses the same key with another body: 409 idempotency_key_reuse', async () => {
    await bulk('reuse-1', creates(1, 'Eerste')).expect(200);
    const before = await memberCount();

    const response = await bulk('reuse-1', creates(1, 'Andere')).expect(409);

    assert.equal(response.body.type.endsWith('/idempotency_key_reuse'), true);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(await memberCount(), before);
  });

  it('refuses the same key on another endpoint: 409 idempotency_key_reuse', async () => {
    await bulk('reuse-2', creates(1, 'Bulk')).expect(200);
    const before = await memberCount();

    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'reuse-2')
      .send({ name: 'Enkel' })
      .expect(409);

    assert.equal(response.body.type.endsWith('/idempotency_key_reuse'), true);
    assert.equal(await memberCount(), before);
  });

  const refusals: {
    title: string;
    key: string | null;
    body: string | object;
    status: number;
    code: string;
  }[] = [
    {
      title: 'a missing key',
      key: null,
      body: creates(1),
      status: 400,
      code: 'idempotency_key_required',
    },
    { title: 'an empty key', key: '', body: creates(1), status: 400, code: 'bad_request' },
    {
      title: 'a 121-character key',
      key: 'k'.repeat(121),
      body: creates(1),
      status: 400,
      code: 'bad_request',
    },
    {
      title: 'a key outside printable ASCII',
      key: 'sleutel-\u00e9',
      body: creates(1),
      status: 400,
      code: 'bad_request',
    },
    {
      title: 'malformed JSON',
      key: 'refused-json',
      body: '{"operations": [',
      status: 400,
      code: 'bad_request',
    },
    {
      title: 'a missing operations array',
      key: 'refused-missing',
      body: { records: [] },
      status: 400,
      code: 'bad_request',
    },
    {
      title: 'operations that is no array',
      key: 'refused-shape',
      body: { operations: { op: 'create' } },
      status: 400,
      code: 'bad_request',
    },
    {
      title: 'an empty operations array',
      key: 'refused-empty',
      body: { operations: [] },
      status: 400,
      code: 'validation_failed',
    },
    {
      title: '101 items',
      key: 'refused-101',
      body: creates(101),
      status: 413,
      code: 'payload_too_large',
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.title} with ${refusal.status} ${refusal.code}, applying and storing nothing`, async () => {
      const before = await memberCount();

      const response = await bulk(refusal.key, refusal.body).expect(refusal.status);

      assert.equal(response.body.type.endsWith(`/${refusal.code}`), true, response.text);
      assert.equal(await memberCount(), before);
      if (refusal.key) {
        assert.equal(await keyRows(refusal.key), 0);
      }
      if (
        refusal.key !== null &&
        refusal.key.length > 0 &&
        refusal.key.length <= 120 &&
        /^[ -~]+$/.test(refusal.key)
      ) {
        const corrected = await bulk(refusal.key, creates(2, 'Hersteld')).expect(200);
        assert.equal(corrected.headers['idempotency-replayed'], undefined);
        assert.equal(corrected.body.succeeded, 2);
      }
    });
  }

  it('keeps the same key string of two clubs apart', async () => {
    const other = await t.club();

    const ours = await bulk('shared-string-1', creates(1, 'Ons')).expect(200);
    const theirs = await bulk('shared-string-1', creates(1, 'Ons'), other.key).expect(200);

    assert.equal(theirs.headers['idempotency-replayed'], undefined);
    assert.notEqual(theirs.body.results[0].id, ours.body.results[0].id);
    assert.equal(await memberCount(other.id), 1);
  });

  it('shares keys between two API keys of one club', async () => {
    const second = await t.key(club.slug, ['members:write']);
    const first = await bulk('two-api-keys-1', creates(2, 'Gedeeld')).expect(200);
    const before = await memberCount();

    const replay = await bulk('two-api-keys-1', creates(2, 'Gedeeld'), second.key).expect(200);

    assert.equal(replay.headers['idempotency-replayed'], 'true');
    assert.equal(replay.text, first.text);
    assert.equal(await memberCount(), before);
  });

  it('executes twelve concurrent requests with one key once, and all get the same answer', async () => {
    const before = await memberCount();
    const body = creates(20, 'Gelijktijdig');

    const responses = await Promise.all(
      Array.from({ length: 12 }, () => bulk('concurrent-1', body)),
    );

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
      assert.equal(response.text, responses[0].text);
    }
    assert.equal(responses.filter((r) => r.headers['idempotency-replayed'] !== 'true').length, 1);
    assert.equal(await memberCount(), before + 20);
  });

  it('answers concurrent copies of a refused write with its error, never a 5xx', async () => {
    const send = () =>
      t
        .http()
        .post('/api/v1/members')
        .set(bearer(club.key))
        .set('Idempotency-Key', 'refused-concurrently-1')
        .send({ name: 'Nergens', group_ids: [987_654_321] });

    const responses = await Promise.all(Array.from({ length: 20 }, send));

    for (const response of responses) {
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.type.endsWith('/validation_failed'), true);
    }
    assert.equal(await keyRows('refused-concurrently-1'), 0);
  });

  it('runs eight concurrent batches with different keys, all of them', async () => {
    const before = await memberCount();

    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => bulk(`parallel-${i}`, creates(15, `Parallel ${i}`))),
    );

    for (const response of responses) {
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.succeeded, 15);
    }
    const ids = responses.flatMap((r) => r.body.results.map((x: { id: number }) => x.id));
    assert.equal(new Set(ids).size, 120);
    assert.equal(await memberCount(), before + 120);
  });

  it('answers 409 idempotency_key_in_progress with Retry-After while the first request runs', async () => {
    const slow = await startTestApp({ IDEMPOTENCY_WAIT_MS: '200' });
    try {
      const slowClub = await slow.club();
      const body = creates(1, 'Bezig');
      const now = new Date();
      const later = new Date(now.getTime() + 60_000);
      await slow.sql(
        `INSERT INTO idempotency_keys (tenant, key, method, path, fingerprint, permission, state,
           holder, lease_token, lease_expires_at, items_done, created_at, expires_at)
         VALUES (?, 'running-1', 'POST', '/api/v1/members/bulk', ?, 'members:write', 'in_progress',
           'elsewhere', 1, ?, 0, ?, ?)`,
        [
          `club:${slowClub.id}`,
          fingerprintOf('POST', '/api/v1/members/bulk', body),
          slow.database.timestamp(later),
          slow.database.timestamp(now),
          slow.database.timestamp(new Date(now.getTime() + 86_400_000)),
        ],
      );
      const send = (payload: object) =>
        slow
          .http()
          .post('/api/v1/members/bulk')
          .set(bearer(slowClub.key))
          .set('Idempotency-Key', 'running-1')
          .send(payload);

      const same = await send(body).expect(409);
      const other = await send(creates(1, 'Anders')).expect(409);

      assert.equal(same.body.type.endsWith('/idempotency_key_in_progress'), true);
      assert.match(same.headers['retry-after'], /^[1-9]\d*$/);
      assert.equal(other.body.type.endsWith('/idempotency_key_reuse'), true);
    } finally {
      await slow.close();
    }
  });

  it('lets a request that lost its lease commit nothing more, and its successor go on', async () => {
    const store = t.app.get(IdempotencyKeyStore);
    const db = t.app.get(TransactionRunner);
    const request = {
      tenant: `club:${club.id}`,
      key: 'fenced-1',
      method: 'POST',
      path: '/api/v1/members/bulk',
      fingerprint: 'f'.repeat(64),
      permission: 'members:write',
    };
    const stalled = await store.claim(request);
    await t.sql(
      "UPDATE idempotency_keys SET lease_expires_at = '2020-01-01 00:00:00.000' WHERE key = ?",
      ['fenced-1'],
    );
    const successor = await store.claim(request);
    const before = await memberCount();
    assert.ok(stalled.kind === 'acquired' && successor.kind === 'acquired');
    const commit = (claim: KeyClaim, name: string) =>
      db.transaction(async (manager) => {
        const now = new Date();
        await new SqlStatement(
          `INSERT INTO members (club_id, name, status, created_at, updated_at)
           VALUES (?, ?, 'active', ?, ?)`,
        ).run(manager, [club.id, name, now, now]);
        await store.recordItem(manager, claim, 0, { status: 201 });
      });

    await assert.rejects(commit(stalled.claim, 'Te Laat'), LeaseLostError);
    await commit(successor.claim, 'Op Tijd');

    assert.equal(await memberCount(), before + 1);
    const names = await t.sql<{ name: string }>('SELECT name FROM members WHERE name IN (?, ?)', [
      'Te Laat',
      'Op Tijd',
    ]);
    assert.deepEqual(names, [{ name: 'Op Tijd' }]);
  });

  it('describes a key at GET /idempotency-keys/{key}, only to its club and scope', async () => {
    await bulk('describe-1', creates(3, 'Beschreven')).expect(200);
    const reader = await t.key(club.slug, ['members:read']);
    const other = await t.club();

    const response = await t
      .http()
      .get('/api/v1/idempotency-keys/describe-1')
      .set(bearer(club.key))
      .expect(200);
    await t.http().get('/api/v1/idempotency-keys/describe-1').set(bearer(reader.key)).expect(404);
    await t.http().get('/api/v1/idempotency-keys/describe-1').set(bearer(other.key)).expect(404);
    await t.http().get('/api/v1/idempotency-keys/never-used').set(bearer(club.key)).expect(404);

    assert.equal(response.body.key, 'describe-1');
    assert.equal(response.body.state, 'completed');
    assert.equal(response.body.method, 'POST');
    assert.equal(response.body.path, '/api/v1/members/bulk');
    assert.equal(response.body.response_status, 200);
    assert.equal(response.body.items_total, 3);
    assert.equal(response.body.items_done, 3);
    const created = Date.parse(response.body.created_at);
    assert.equal(Date.parse(response.body.expires_at) - created, 24 * 60 * 60 * 1000);
  });

  it('forgets a key after 24 hours: it runs anew, and the purge deletes expired keys', async () => {
    const first = await bulk('expiring-1', creates(1, 'Verlopen')).expect(200);
    await t.sql(
      "UPDATE idempotency_keys SET expires_at = '2020-01-01 00:00:00.000' WHERE key = ?",
      ['expiring-1'],
    );

    const again = await bulk('expiring-1', creates(1, 'Verlopen')).expect(200);
    assert.equal(again.headers['idempotency-replayed'], undefined);
    assert.notEqual(again.body.results[0].id, first.body.results[0].id);

    await bulk('expiring-2', creates(1, 'Weg')).expect(200);
    await t.sql(
      "UPDATE idempotency_keys SET expires_at = '2020-01-01 00:00:00.000' WHERE key = ?",
      ['expiring-2'],
    );
    await t.app.get(IdempotencyPurgeService).purgeOnce();
    assert.equal(await keyRows('expiring-2'), 0);
    assert.equal(await keyRows('expiring-1'), 1);
    const ledger = await t.sql<{ n: number }>(
      'SELECT COUNT(*) AS n FROM idempotency_items WHERE key_id NOT IN (SELECT id FROM idempotency_keys)',
    );
    assert.equal(Number(ledger[0].n), 0);
  });

  it('purges more expired keys than one purge batch, with their ledgers', async () => {
    const expired = "'2020-01-01 00:00:00.000'";
    await t.sql(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
      INSERT INTO idempotency_keys (tenant, key, method, path, fingerprint, permission, state,
        holder, lease_token, lease_expires_at, items_done, created_at, expires_at)
      SELECT 'club:0', 'many-expired-' || i, 'POST', '/api/v1/members/bulk', 'f', 'members:write',
        'completed', 'h', 1, ${expired}, 1, ${expired}, ${expired} FROM n`);
    await t.sql(`
      INSERT INTO idempotency_items (key_id, item_index, result)
      SELECT id, 0, '{"status":201}' FROM idempotency_keys WHERE key LIKE 'many-expired-%'`);

    await t.app.get(IdempotencyPurgeService).purgeOnce();

    const left = await t.sql<{ n: number }>(
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE key LIKE 'many-expired-%'",
    );
    const ledger = await t.sql<{ n: number }>(
      'SELECT COUNT(*) AS n FROM idempotency_items WHERE key_id NOT IN (SELECT id FROM idempotency_keys)',
    );
    assert.equal(Number(left[0].n), 0);
    assert.equal(Number(ledger[0].n), 0);
  });

  it('replays a single create with its status, Location and body, creating one member', async () => {
    const send = () =>
      t
        .http()
        .post('/api/v1/members')
        .set(bearer(club.key))
        .set('Idempotency-Key', 'single-create-1')
        .send({ name: 'Enkelvoud' });
    const first = await send().expect(201);
    const before = await memberCount();

    const second = await send().expect(201);

    assert.equal(second.headers['idempotency-replayed'], 'true');
    assert.equal(second.headers.location, `/api/v1/members/${first.body.id}`);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(second.text, first.text);
    assert.equal(await memberCount(), before);
  });

  it('replays a single delete as 204 without deleting again', async () => {
    const member = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .send({ name: 'Weg' });
    const send = () =>
      t
        .http()
        .delete(`/api/v1/members/${member.body.id}`)
        .set(bearer(club.key))
        .set('Idempotency-Key', 'single-delete-1');

    await send().expect(204);
    const again = await send().expect(204);

    assert.equal(again.headers['idempotency-replayed'], 'true');
    assert.equal(again.text, '');
  });

  it('stores nothing for a single write that was refused, so the corrected one runs', async () => {
    const send = (body: object) =>
      t
        .http()
        .post('/api/v1/members')
        .set(bearer(club.key))
        .set('Idempotency-Key', 'single-refused-1')
        .send(body);

    await send({ name: '' }).expect(400);
    assert.equal(await keyRows('single-refused-1'), 0);
    const corrected = await send({ name: 'Nu Goed' }).expect(201);

    assert.equal(corrected.headers['idempotency-replayed'], undefined);
    assert.equal(corrected.body.name, 'Nu Goed');
  });
});

describe('a replay while another connection holds off writes to the keys', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let club: TestClub;

  before(async () => {
    db = await createTestDatabase();
    club = await seedClub(db);
    service = await startService(db.env);
  });
  after(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await db?.drop();
  });

  it('is answered from a read: the stored response comes back at once', async () => {
    const post = () =>
      fetch(`${service.baseUrl}/api/v1/members/bulk`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${club.key}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': 'replay-read-1',
        },
        body: JSON.stringify(creates(3, 'Gelezen')),
        signal: AbortSignal.timeout(2_000),
      });
    const first = await post();
    const stored = await first.text();

    const release = await blockKeyWrites(db);
    let replay: Response;
    let replayed: string;
    try {
      replay = await post();
      replayed = await replay.text();
    } finally {
      await release();
    }

    assert.equal(first.status, 200);
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotency-replayed'), 'true');
    assert.equal(replayed, stored);
  });
});
