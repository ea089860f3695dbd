import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { ClubsService } from '../src/clubs/clubs.service.js';
import { SCOPES } from '../src/clubs/domain/scopes.js';
import { assertProblem, bodyOf } from './support/problem.js';
import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

interface ClubBody {
  id: number;
  name: string;
  slug: string;
  key: { label: string; prefix: string; scopes: string[] };
}

// A well-formed key that was never issued.
const UNKNOWN_KEY = 'ct_live_' + 'A'.repeat(32);

void describe('API keys, plans and scopes', () => {
  let t: TestApp;
  let clubs: ClubsService;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    clubs = t.app.get(ClubsService);
    club = await t.club();
  });
  after(() => t.close());

  const members = (key?: string) => {
    const request = t.http().get('/api/v1/members');

    return key === undefined ? request : request.set(bearer(key));
  };
  const createMember = (key: string, body: object = { name: 'Nieuw Lid' }) =>
    t.http().post('/api/v1/members').set(bearer(key)).send(body);
  const countMembers = async (clubId: number) =>
    (await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE club_id = ?', [clubId]))[0]
      .n;

  void it('answers 401 with WWW-Authenticate: Bearer without an Authorization header', async () => {
    const response = await members();

    assertProblem(response, 401, 'unauthenticated');
    assert.equal(response.headers['www-authenticate'], 'Bearer');
  });

  void it('answers 401 for an Authorization header that is not "Bearer <key>"', async () => {
    for (const header of [
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
      'Bearer',
      'Bearer ',
      `Token ${club.key}`,
      club.key,
      `Bearer ${club.key} extra`,
    ]) {
      const response = await t.http().get('/api/v1/members').set('Authorization', header);

      assertProblem(response, 401, 'unauthenticated');
      assert.equal(response.headers['www-authenticate'], 'Bearer', header);
    }
  });

  void it('answers 401 for a key that was never issued', async () => {
    for (const key of [UNKNOWN_KEY, 'ct_live_short', 'not-a-key-at-all']) {
      const response = await members(key);

      assertProblem(response, 401, 'unauthenticated');
      assert.equal(response.headers['www-authenticate'], 'Bearer');
    }
  });

  void it('stores only the SHA-256 hash of a key, its first 12 characters as prefix', async () => {
    const rows = await t.sql<Record<string, unknown>>('SELECT * FROM api_keys WHERE prefix = ?', [
      club.prefix,
    ]);

    assert.equal(rows.length, 1);
    assert.match(club.key, /^ct_live_[0-9A-Za-z]{32}$/);
    assert.equal(club.prefix, club.key.slice(0, 12));
    assert.equal(rows[0].key_hash, createHash('sha256').update(club.key).digest('hex'));
    assert.ok(
      Object.values(rows[0]).every((value) => !String(value).includes(club.key)),
      'the whole key is stored',
    );
  });

  void it("answers 401 at once for a revoked key; the club's other keys still work", async () => {
    const own = await t.club();
    const other = await t.key(own.slug, ['members:read']);
    await members(own.key).expect(200);

    await clubs.revokeKey(own.prefix);

    const response = await members(own.key);
    assertProblem(response, 401, 'unauthenticated');
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    await members(other.key).expect(200);
  });

  void it('keeps a rotated key working beside its new one, with its label and scopes', async () => {
    const own = await t.club({ scopes: ['members:read', 'groups:read'] });

    const rotated = await clubs.rotateKey(own.prefix);

    const [old] = await t.sql<{ expires_at: string }>(
      'SELECT expires_at FROM api_keys WHERE prefix = ?',
      [own.prefix],
    );
    const graceMs = new Date(`${old.expires_at.replace(' ', 'T')}Z`).getTime() - Date.now();
    assert.ok(Math.abs(graceMs - 24 * 60 * 60_000) < 60_000, `grace of ${graceMs} ms`);
    assert.notEqual(rotated.key, own.key);
    assert.equal(rotated.label, 'test');
    assert.deepEqual(rotated.scopes, ['members:read', 'groups:read']);
    await members(own.key).expect(200);
    const fresh = await t.http().get('/api/v1/club').set(bearer(rotated.key)).expect(200);
    assert.deepEqual(bodyOf<ClubBody>(fresh).key, {
      label: 'test',
      prefix: rotated.prefix,
      scopes: ['members:read', 'groups:read'],
    });
  });

  void it('answers 401 for a rotated key once its grace period has passed', async () => {
    const own = await t.club();
    const rotated = await clubs.rotateKey(own.prefix);
    await members(own.key).expect(200);

    await t.sql('UPDATE api_keys SET expires_at = ? WHERE prefix = ?', [
      '2020-01-01 00:00:00.000',
      own.prefix,
    ]);

    const response = await members(own.key);
    assertProblem(response, 401, 'unauthenticated');
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    await members(rotated.key).expect(200);
  });

  void it('answers 403 upgrade_required to every request of a club not on pro', async () => {
    const free = await t.club({ plan: 'free' });
    const requests = [
      t.http().get('/api/v1/club'),
      t.http().get('/api/v1/members'),
      t.http().get('/api/v1/groups'),
      t.http().get(`/api/v1/groups/${free.groupIds[0]}`),
      t.http().post('/api/v1/members').send({ name: 'Gratis' }),
      t.http().patch('/api/v1/members/1').send({ name: 'Gratis' }),
      t.http().delete('/api/v1/members/1'),
    ];

    for (const request of requests) {
      assertProblem(await request.set(bearer(free.key)), 403, 'upgrade_required');
    }
    assert.equal(await countMembers(free.id), 0);
  });

  void it('answers 403 plan_expired to every write of an expired club; reads work', async () => {
    const expired = await t.club();
    const created = await createMember(expired.key).expect(201);
    const id = bodyOf<{ id: number }>(created).id;

    await clubs.updateClub(expired.slug, { planExpiresAt: new Date(Date.now() - 60_000) });

    await members(expired.key).expect(200);
    await t.http().get(`/api/v1/members/${id}`).set(bearer(expired.key)).expect(200);
    await t.http().get('/api/v1/groups').set(bearer(expired.key)).expect(200);
    await t.http().get('/api/v1/club').set(bearer(expired.key)).expect(200);
    for (const request of [
      t.http().post('/api/v1/members').send({ name: 'Te Laat' }),
      t.http().patch(`/api/v1/members/${id}`).send({ name: 'Te Laat' }),
      t.http().delete(`/api/v1/members/${id}`),
    ]) {
      assertProblem(await request.set(bearer(expired.key)), 403, 'plan_expired');
    }
    const rows = await t.sql<{ name: string }>('SELECT name FROM members WHERE club_id = ?', [
      expired.id,
    ]);
    assert.deepEqual(rows, [{ name: 'Nieuw Lid' }]);
  });

  void it('lets a club whose plan expires in the future still write', async () => {
    const paid = await t.club();
    await clubs.updateClub(paid.slug, { planExpiresAt: new Date(Date.now() + 60 * 60_000) });

    await createMember(paid.key).expect(201);
  });

  void it('answers 403 demo_read_only to every write of a demo club; reads work', async () => {
    const demo = await t.club();
    const created = await createMember(demo.key).expect(201);
    const id = bodyOf<{ id: number }>(created).id;

    await clubs.updateClub(demo.slug, { demo: true });

    await members(demo.key).expect(200);
    await t.http().get(`/api/v1/members/${id}`).set(bearer(demo.key)).expect(200);
    for (const request of [
      t.http().post('/api/v1/members').send({ name: 'Demo' }),
      t.http().patch(`/api/v1/members/${id}`).send({ name: 'Demo' }),
      t.http().delete(`/api/v1/members/${id}`),
    ]) {
      assertProblem(await request.set(bearer(demo.key)), 403, 'demo_read_only');
    }
    assert.equal(await countMembers(demo.id), 1);
  });

  void it('answers 403 insufficient_scope, required_scope, to a write of a read key', async () => {
    const readOnly = await t.key(club.slug, ['members:read']);
    const before = await countMembers(club.id);

    const response = await createMember(readOnly.key);

    const problem = assertProblem(response, 403, 'insufficient_scope');
    assert.equal(problem.required_scope, 'members:write');
    assert.equal(await countMembers(club.id), before);
  });

  void it('answers 403 insufficient_scope for groups to a key without groups:read', async () => {
    const membersOnly = await t.key(club.slug, ['members:read', 'members:write']);

    const response = await t.http().get('/api/v1/groups').set(bearer(membersOnly.key));

    const problem = assertProblem(response, 403, 'insufficient_scope');
    assert.equal(problem.required_scope, 'groups:read');
  });

  void it('lets a :write scope read as well', async () => {
    const writeOnly = await t.key(club.slug, ['members:write']);

    await members(writeOnly.key).expect(200);
    await createMember(writeOnly.key).expect(201);
  });

  void it('answers 401, not 400, to a request with an unreadable body and no key', async () => {
    const response = await t
      .http()
      .post('/api/v1/members')
      .set('Content-Type', 'application/json')
      .send('{"name": ');

    assertProblem(response, 401, 'unauthenticated');
  });

  void it('answers 403 plan_expired, not 400, to a bad body of an expired club', async () => {
    const expired = await t.club();
    await clubs.updateClub(expired.slug, { planExpiresAt: new Date(Date.now() - 60_000) });

    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(expired.key))
      .set('Content-Type', 'application/json')
      .send('{"name": ');

    assertProblem(response, 403, 'plan_expired');
  });

  void it('answers 403 insufficient_scope, not 400, to a bad body of a read key', async () => {
    const readOnly = await t.key(club.slug, ['members:read']);

    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(readOnly.key))
      .set('Content-Type', 'application/json')
      .send('{"name": ');

    assertProblem(response, 403, 'insufficient_scope');
  });

  void it('checks the plan before the demo flag and the demo flag before the scope', async () => {
    const free = await t.club({ plan: 'free', scopes: ['members:read'] });
    await clubs.updateClub(free.slug, { demo: true });
    const demo = await t.club({ scopes: ['members:read'] });
    await clubs.updateClub(demo.slug, { demo: true });

    assertProblem(await createMember(free.key), 403, 'upgrade_required');
    assertProblem(await createMember(demo.key), 403, 'demo_read_only');
  });

  void it('answers GET /club with the club and the calling key, never the whole key', async () => {
    const [{ name }] = await t.sql<{ name: string }>('SELECT name FROM clubs WHERE id = ?', [
      club.id,
    ]);

    const response = await t.http().get('/api/v1/club').set(bearer(club.key)).expect(200);

    assert.match(String(response.headers['content-type']), /^application\/json\b/);
    assert.deepEqual(bodyOf<ClubBody>(response), {
      id: club.id,
      name,
      slug: club.slug,
      key: { label: 'test', prefix: club.prefix, scopes: [...SCOPES] },
    });
    assert.ok(!response.text.includes(club.key), 'the whole key was answered');
  });

  void it('answers GET /club with the key that called, not another key of the club', async () => {
    const second = await t.key(club.slug, ['groups:read']);

    const response = await t.http().get('/api/v1/club').set(bearer(second.key)).expect(200);

    assert.deepEqual(bodyOf<ClubBody>(response).key, {
      label: 'second',
      prefix: second.prefix,
      scopes: ['groups:read'],
    });
  });

  void it("answers 404 to a key reading another club's member, as for no member", async () => {
    const other = await t.club();
    const created = await createMember(other.key, { name: 'Van Een Ander' }).expect(201);
    const id = bodyOf<{ id: number }>(created).id;

    const response = await t.http().get(`/api/v1/members/${id}`).set(bearer(club.key));

    const problem = assertProblem(response, 404, 'not_found');
    assert.equal(problem.detail, `Lid ${id} bestaat niet.`);
    assert.ok(!response.text.includes('Van Een Ander'));
    const listed = await members(club.key).expect(200);
    assert.ok(!bodyOf<{ data: { id: number }[] }>(listed).data.some((m) => m.id === id));
  });
});
