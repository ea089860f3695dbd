import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';

import { assertProblem, bodyOf } from './support/problem.js';
import type { Problem } from './support/problem.js';
import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

// What leaks from a stack trace or a database error, should one reach a response.
const LEAKS = [/\bat \S+ \(/, /\.js:\d+/, /\bSELECT\b/i, /\bFROM\b/, /SQLITE/i, /no such table/i];

function assertNoLeak(text: string): void {
  for (const leak of LEAKS) {
    assert.doesNotMatch(text, leak);
  }
}

const countMembers = async (t: TestApp, clubId: number) =>
  (await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE club_id = ?', [clubId]))[0]
    .n;

void describe('error responses', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  void it('answers an unknown route with a 404 not_found problem', async () => {
    for (const path of [
      '/api/v1/nothing-here',
      '/api/v1/members/1/extra',
      '/api/v2/members',
      '/nothing',
    ]) {
      const response = await t.http().get(path).set(bearer(club.key));

      const problem = assertProblem(response, 404, 'not_found');
      assertNoLeak(problem.detail);
    }
  });

  void it('answers a wrong method on a known path with 405 and the allowed methods', async () => {
    const cases: [() => Test, string[]][] = [
      [() => t.http().put('/api/v1/members'), ['GET', 'HEAD', 'POST']],
      [() => t.http().delete('/api/v1/members'), ['GET', 'HEAD', 'POST']],
      [() => t.http().put('/api/v1/members/1'), ['DELETE', 'GET', 'HEAD', 'PATCH']],
      [() => t.http().post('/api/v1/club'), ['GET', 'HEAD']],
      [() => t.http().post('/api/v1/groups/1'), ['GET', 'HEAD']],
      [() => t.http().post('/health'), ['GET', 'HEAD']],
    ];

    for (const [send, allowed] of cases) {
      const response = await send().set(bearer(club.key)).send({});

      assertProblem(response, 405, 'method_not_allowed');
      const header = String(response.headers.allow);
      assert.deepEqual(header.split(/,\s*/).sort(), allowed, header);
    }
  });

  void it('answers 400 bad_request to a body that is not JSON, and creates nothing', async () => {
    const before = await countMembers(t, club.id);

    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .set('Content-Type', 'application/json')
      .send('{"name": "Jan",}');

    const problem = assertProblem(response, 400, 'bad_request');
    assert.doesNotMatch(problem.detail, /Unexpected|position/);
    assert.equal(await countMembers(t, club.id), before);
  });

  void it('answers 400 bad_request to a JSON body that is not an object', async () => {
    const before = await countMembers(t, club.id);

    for (const body of ['[{"name": "Jan"}]', '"Jan"', '42', 'null']) {
      const response = await t
        .http()
        .post('/api/v1/members')
        .set(bearer(club.key))
        .set('Content-Type', 'application/json')
        .send(body);

      assertProblem(response, 400, 'bad_request');
    }
    assert.equal(await countMembers(t, club.id), before);
  });

  void it('answers every problem without a stack trace or SQL', async () => {
    const responses = [
      await t.http().get('/api/v1/members/abc').set(bearer(club.key)),
      await t.http().get('/api/v1/members?limit=abc').set(bearer(club.key)),
      await t.http().get("/api/v1/members?status=' OR 1=1 --").set(bearer(club.key)),
      await t.http().post('/api/v1/members').set(bearer(club.key)).send({ name: 5 }),
      await t
        .http()
        .post('/api/v1/members')
        .set(bearer(club.key))
        .set('Content-Type', 'application/json')
        .send('{'),
      await t.http().get('/api/v1/members'),
    ];

    for (const response of responses) {
      assert.ok(response.status >= 400 && response.status < 500, response.text);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json\b/);
      assertNoLeak(response.text);
      assert.equal(typeof bodyOf<Problem>(response).detail, 'string');
    }
  });

  void it('answers an id over 32 bits as an unknown id, never with a 500', async () => {
    const huge = 99_999_999_999;
    const membersBefore = await countMembers(t, club.id);
    const write = (path: string, body: object) =>
      t
        .http()
        .post(path)
        .set(bearer(club.key))
        .set('Idempotency-Key', `huge-${path}-${Math.random()}`)
        .send(body);

    for (const path of [`/api/v1/members/${huge}`, `/api/v1/groups/${huge}`]) {
      const problem = assertProblem(
        await t.http().get(path).set(bearer(club.key)),
        404,
        'not_found',
      );
      assert.match(problem.detail, new RegExp(`${huge}`));
    }
    for (const query of [`group_id=${huge}`, `starting_after=${huge}`]) {
      const list = await t.http().get(`/api/v1/members?${query}`).set(bearer(club.key)).expect(200);
      assert.deepEqual(list.body, { data: [], has_more: false });
    }
    const records = await t
      .http()
      .get(`/api/v1/attendance?member_id=${huge}`)
      .set(bearer(club.key))
      .expect(200);
    assert.deepEqual(records.body.data, []);
    const single = await write('/api/v1/members', { name: 'Te Groot', group_ids: [huge] });
    assert.equal(assertProblem(single, 400, 'validation_failed').errors?.[0].field, 'group_ids');
    const members = await write('/api/v1/members/bulk', {
      operations: [
        { op: 'create', data: { name: 'Te Groot', group_ids: [club.groupIds[0], huge] } },
        { op: 'update', id: huge, data: { name: 'Niemand' } },
        { op: 'delete', id: huge },
      ],
    }).expect(200);
    assert.deepEqual(
      members.body.results.map((r: { status: number; code: string }) => [r.status, r.code]),
      [
        [400, 'validation_failed'],
        [404, 'not_found'],
        [404, 'not_found'],
      ],
    );
    const attendance = await write('/api/v1/attendance/bulk', {
      records: [{ member_id: huge, group_id: club.groupIds[0], date: '2026-07-02', present: true }],
    }).expect(200);
    assert.equal(attendance.body.results[0].status, 404);
    assert.equal(await countMembers(t, club.id), membersBefore);
  });

  void it('answers GET /health and GET /api/v1/health with 200 without a key', async () => {
    for (const path of ['/health', '/api/v1/health']) {
      const response = await t.http().get(path);

      assert.equal(response.status, 200, response.text);
      assert.match(String(response.headers['content-type']), /^application\/json\b/);
      assert.equal(bodyOf<{ status: string }>(response).status, 'ok');
    }
  });
});

void describe('a body over the byte limit', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
    club = await t.club();
  });
  after(() => t.close());

  void it('answers 413 payload_too_large to a body over the limit, creating nothing', async () => {
    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'Net Te Groot' }).padEnd(2100, ' '));

    assertProblem(response, 413, 'payload_too_large');
    assert.equal(await countMembers(t, club.id), 0);
  });

  void it('accepts a body of just under the byte limit', async () => {
    const body = JSON.stringify({ name: 'Net Niet' }).padEnd(2000, ' ');

    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .set('Content-Type', 'application/json')
      .send(body);

    assert.equal(response.status, 201, response.text);
  });

  void it('answers 401, not 413, to a body over the limit without a key', async () => {
    const response = await t
      .http()
      .post('/api/v1/members')
      .send({ name: 'Groot', phone: 'x'.repeat(3000) });

    assertProblem(response, 401, 'unauthenticated');
  });
});

void describe('a configured problem type base', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp({ PROBLEM_TYPE_BASE: 'https://errors.example.test/problems' });
    club = await t.club();
  });
  after(() => t.close());

  void it('starts every problem type with the configured base', async () => {
    const base = 'https://errors.example.test/problems/';

    assertProblem(await t.http().get('/api/v1/members'), 401, 'unauthenticated', base);
    assertProblem(
      await t.http().get('/api/v1/members/999999').set(bearer(club.key)),
      404,
      'not_found',
      base,
    );
    assertProblem(
      await t.http().post('/api/v1/members').set(bearer(club.key)).send({}),
      400,
      'validation_failed',
      base,
    );
  });
});

void describe('an unexpected failure', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  void it('answers 500 internal_error without the SQL or stack of a database error', async () => {
    await t.sql('ALTER TABLE members RENAME TO members_gone');

    const response = await t.http().get('/api/v1/members').set(bearer(club.key));

    const problem = assertProblem(response, 500, 'internal_error');
    assertNoLeak(response.text);
    assert.ok(!response.text.includes('members_gone'));
    assert.deepEqual(Object.keys(problem).sort(), ['detail', 'status', 'title', 'type']);
    await t.sql('ALTER TABLE members_gone RENAME TO members');
  });

  void it('answers GET /health with 503 once the database does not answer', async () => {
    await t.app.get(DataSource).destroy();

    const response = await t.http().get('/health');

    assert.equal(response.status, 503, response.text);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json\b/);
    assertNoLeak(response.text);
  });
});
