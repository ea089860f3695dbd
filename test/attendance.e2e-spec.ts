import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

describe('attendance', () => {
  let t: TestApp;
  let club: TestClub;
  let memberId: number;

  before(async () => {
    t = await startTestApp({ IDEMPOTENCY_WAIT_MS: '5000' });
    club = await t.club();
    memberId = await newMember(club, 'Aanwezig');
  });
  after(() => t.close());

  async function newMember(owner: TestClub, name: string): Promise<number> {
    const response = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(owner.key))
      .send({ name })
      .expect(201);

    return response.body.id as number;
  }
  const put = (body: object, key = club.key) =>
    t.http().put('/api/v1/attendance').set(bearer(key)).send(body);
  const bulk = (idempotencyKey: string, body: object, key = club.key) =>
    t
      .http()
      .post('/api/v1/attendance/bulk')
      .set(bearer(key))
      .set('Idempotency-Key', idempotencyKey)
      .send(body);
  const rows = async (where: string, params: unknown[]) =>
    Number(
      (
        await t.sql<{ n: number }>(
          `SELECT COUNT(*) AS n FROM attendance_records WHERE ${where}`,
          params,
        )
      )[0].n,
    );

  it('records the documented check-in: 201 with the record', async () => {
    const response = await put({
      member_id: memberId,
      group_id: club.groupIds[0],
      date: '2026-07-02',
      present: true,
    }).expect(201);

    assert.equal(typeof response.body.id, 'number');
    assert.equal(response.body.member_id, memberId);
    assert.equal(response.body.group_id, club.groupIds[0]);
    assert.equal(response.body.date, '2026-07-02');
    assert.equal(response.body.present, true);
    assert.match(response.body.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(response.body.updated_at, response.body.created_at);
  });

  it('creates, keeps, changes, clears and clears again: 201, 200, 200, 204, 204', async () => {
    const record = { member_id: memberId, group_id: club.groupIds[1], date: '2026-07-03' };

    const created = await put({ ...record, present: true }).expect(201);
    const same = await put({ ...record, present: true }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const changed = await put({ ...record, present: false }).expect(200);
    const cleared = await put({ ...record, present: null }).expect(204);
    await put({ ...record, present: null }).expect(204);

    assert.equal(same.body.id, created.body.id);
    assert.equal(same.body.updated_at, created.body.updated_at);
    assert.equal(changed.body.id, created.body.id);
    assert.equal(changed.body.present, false);
    assert.ok(changed.body.updated_at > created.body.updated_at);
    assert.equal(cleared.text, '');
    assert.equal(await rows('member_id = ? AND "date" = ?', [memberId, '2026-07-03']), 0);
  });

  const refusals: { title: string; body: Record<string, unknown>; field: string }[] = [
    { title: 'a missing present', body: { present: undefined }, field: 'present' },
    { title: 'a present that is not a boolean', body: { present: 'yes' }, field: 'present' },
    { title: 'a malformed date', body: { date: '2-7-2026' }, field: 'date' },
    { title: 'an impossible date', body: { date: '2026-02-30' }, field: 'date' },
    { title: 'a missing member_id', body: { member_id: undefined }, field: 'member_id' },
    { title: 'a member_id that is a string', body: { member_id: '12' }, field: 'member_id' },
    { title: 'a missing group_id', body: { group_id: undefined }, field: 'group_id' },
    { title: 'an unknown field', body: { note: 'te laat' }, field: 'note' },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.title} with validation_failed on ${refusal.field}, writing nothing`, async () => {
      const before = await rows('club_id = ?', [club.id]);
      const body = {
        member_id: memberId,
        group_id: club.groupIds[2],
        date: '2026-07-04',
        present: true,
        ...refusal.body,
      };

      const response = await put(body).expect(400);
      const item = await bulk(`refusal-${refusal.field}-${refusal.title}`, {
        records: [body],
      }).expect(200);

      assert.equal(response.body.type.endsWith('/validation_failed'), true);
      assert.deepEqual(
        response.body.errors.map((e: { field: string }) => e.field),
        [refusal.field],
      );
      assert.equal(item.body.results[0].status, 400);
      assert.equal(item.body.results[0].code, 'validation_failed');
      assert.equal(item.body.results[0].id, undefined);
      assert.deepEqual(
        item.body.results[0].errors.map((e: { field: string }) => e.field),
        [refusal.field],
      );
      assert.equal(await rows('club_id = ?', [club.id]), before);
    });
  }

  it('answers 404 for an unknown member or group, and for those of another club', async () => {
    const other = await t.club();
    const theirMember = await newMember(other, 'Ander');
    await put(
      { member_id: theirMember, group_id: other.groupIds[0], date: '2026-07-05', present: true },
      other.key,
    ).expect(201);

    const cases = [
      { member_id: 999_999, group_id: club.groupIds[0], detail: 'Lid 999999 bestaat niet.' },
      { member_id: memberId, group_id: 999_999, detail: 'Groep 999999 bestaat niet.' },
      {
        member_id: theirMember,
        group_id: club.groupIds[0],
        detail: `Lid ${theirMember} bestaat niet.`,
      },
      {
        member_id: memberId,
        group_id: other.groupIds[0],
        detail: `Groep ${other.groupIds[0]} bestaat niet.`,
      },
    ];
    for (const { detail, ...ids } of cases) {
      for (const present of [true, null]) {
        const response = await put({ ...ids, date: '2026-07-05', present }).expect(404);
        assert.equal(response.body.type.endsWith('/not_found'), true);
        assert.equal(response.body.detail, detail);
      }
    }
    const theirs = await t
      .http()
      .get(`/api/v1/attendance?member_id=${theirMember}`)
      .set(bearer(other.key))
      .expect(200);
    assert.equal(theirs.body.data.length, 1);
    assert.equal(theirs.body.data[0].present, true);
  });

  it('leaves one row after twenty concurrent upserts of one record, one of them 201', async () => {
    const record = { member_id: memberId, group_id: club.groupIds[0], date: '2026-08-01' };

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => put({ ...record, present: i % 2 === 0 })),
    );

    const statuses = responses.map((r) => r.status).sort((x, y) => x - y);
    assert.deepEqual(statuses, [...Array<number>(19).fill(200), 201]);
    assert.equal(new Set(responses.map((r) => r.body.id)).size, 1);
    assert.equal(await rows('member_id = ? AND "date" = ?', [memberId, '2026-08-01']), 1);
  });

  it('replays a 100-record bulk byte for byte without writing again', async () => {
    const members = [await newMember(club, 'Bulk A'), await newMember(club, 'Bulk B')];
    const records = Array.from({ length: 100 }, (_, i) => ({
      member_id: members[i % 2],
      group_id: club.groupIds[i % 3],
      date: `2026-09-${String((i % 25) + 1).padStart(2, '0')}`,
      present: i % 3 !== 0,
    }));

    const first = await bulk('attendance-100', { records }).expect(200);
    const audit = await t.sql('SELECT COUNT(*) AS n FROM audit_events');
    const second = await bulk('attendance-100', { records }).expect(200);

    assert.equal(first.body.results.length, 100);
    assert.equal(first.body.succeeded + first.body.failed, 100);
    assert.equal(second.headers['idempotency-replayed'], 'true');
    assert.equal(second.text, first.text);
    assert.deepEqual(await t.sql('SELECT COUNT(*) AS n FROM audit_events'), audit);
    assert.equal(
      await rows('member_id IN (?, ?)', members),
      new Set(records.map((r) => `${r.member_id}/${r.group_id}/${r.date}`)).size,
    );
  });

  it('refuses a key used on the member bulk endpoint: 409 idempotency_key_reuse', async () => {
    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'one-key-two-endpoints')
      .send({ operations: [{ op: 'create', data: { name: 'Eerst' } }] })
      .expect(200);

    const response = await bulk('one-key-two-endpoints', {
      records: [
        { member_id: memberId, group_id: club.groupIds[0], date: '2026-10-01', present: true },
      ],
    }).expect(409);

    assert.equal(response.body.type.endsWith('/idempotency_key_reuse'), true);
    assert.equal(await rows('member_id = ? AND "date" = ?', [memberId, '2026-10-01']), 0);
  });

  it('answers a mixed batch item by item; the last of two items for one record wins', async () => {
    const record = { member_id: memberId, group_id: club.groupIds[1], date: '2026-10-02' };
    await put({ ...record, date: '2026-10-03', present: true }).expect(201);

    const response = await bulk('mixed-attendance', {
      records: [
        { ...record, present: true },
        { ...record, present: 'ja' },
        { ...record, present: false },
        { ...record, member_id: 999_999, present: true },
        'geen object',
        { ...record, date: '2026-10-03', present: null },
        { ...record, date: '2026-10-04', present: null },
      ],
    }).expect(200);

    const results = response.body.results;
    assert.deepEqual(
      results.map((r: { status: number }) => r.status),
      [201, 400, 200, 404, 400, 200, 200],
    );
    assert.equal(results[2].id, results[0].id);
    assert.equal(results[3].code, 'not_found');
    assert.equal(results[4].code, 'bad_request');
    assert.equal(typeof results[5].id, 'number');
    assert.equal(results[6].id, undefined);
    assert.equal(response.body.succeeded, 4);
    assert.equal(response.body.failed, 3);
    const list = await t
      .http()
      .get(`/api/v1/attendance?member_id=${memberId}&date_from=2026-10-02&date_to=2026-10-04`)
      .set(bearer(club.key))
      .expect(200);
    assert.deepEqual(
      list.body.data.map((r: { date: string; present: boolean }) => [r.date, r.present]),
      [['2026-10-02', false]],
    );
  });

  it('replays a single upsert with its own status', async () => {
    const send = () =>
      put({
        member_id: memberId,
        group_id: club.groupIds[2],
        date: '2026-10-10',
        present: true,
      }).set('Idempotency-Key', 'single-upsert-1');

    const first = await send().expect(201);
    const again = await send().expect(201);

    assert.equal(again.headers['idempotency-replayed'], 'true');
    assert.equal(again.text, first.text);
  });

  it('filters by member, group, inclusive dates and updated_since, in ascending ids', async () => {
    const member = await newMember(club, 'Filter');
    const make = (group: number, date: string) =>
      put({ member_id: member, group_id: club.groupIds[group], date, present: true }).expect(201);
    const a = await make(0, '2026-11-01');
    const b = await make(1, '2026-11-02');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const c = await make(0, '2026-11-03');
    const list = async (query: string) =>
      (
        await t
          .http()
          .get(`/api/v1/attendance?member_id=${member}&${query}`)
          .set(bearer(club.key))
          .expect(200)
      ).body.data.map((r: { id: number }) => r.id);

    assert.deepEqual(await list('limit=200'), [a.body.id, b.body.id, c.body.id]);
    assert.deepEqual(await list(`group_id=${club.groupIds[0]}`), [a.body.id, c.body.id]);
    assert.deepEqual(await list('date_from=2026-11-02&date_to=2026-11-03'), [b.body.id, c.body.id]);
    assert.deepEqual(await list('date_to=2026-11-01'), [a.body.id]);
    assert.deepEqual(await list(`updated_since=${c.body.updated_at}`), [c.body.id]);
    assert.deepEqual(await list(`limit=1&starting_after=${a.body.id}`), [b.body.id]);
  });

  for (const query of [
    'member_id=abc',
    'group_id=0',
    'date_from=2026-13-01',
    'date_to=2026-02-30',
    'updated_since=gisteren',
    'date_from=2026-11-05&date_to=2026-11-01',
    'limit=201',
    'present=true',
  ]) {
    it(`answers 400 bad_request for the filter ${query}`, async () => {
      const response = await t
        .http()
        .get(`/api/v1/attendance?${query}`)
        .set(bearer(club.key))
        .expect(400);

      assert.equal(response.body.type.endsWith('/bad_request'), true);
    });
  }

  it("removes a member's attendance when the member is deleted, singly or in a batch", async () => {
    const single = await newMember(club, 'Enkel Weg');
    const batched = await newMember(club, 'Bulk Weg');
    for (const member of [single, batched]) {
      await put({
        member_id: member,
        group_id: club.groupIds[0],
        date: '2026-12-01',
        present: true,
      }).expect(201);
    }

    await t.http().delete(`/api/v1/members/${single}`).set(bearer(club.key)).expect(204);
    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'delete-with-attendance')
      .send({ operations: [{ op: 'delete', id: batched }] })
      .expect(200);

    assert.equal(await rows('member_id IN (?, ?)', [single, batched]), 0);
  });

  it('needs attendance:read to list and attendance:write to write', async () => {
    const reader = await t.key(club.slug, ['attendance:read']);
    const members = await t.key(club.slug, ['members:write']);
    const record = {
      member_id: memberId,
      group_id: club.groupIds[0],
      date: '2026-12-02',
      present: true,
    };

    await t.http().get('/api/v1/attendance').set(bearer(reader.key)).expect(200);
    const denied = await put(record, reader.key).expect(403);
    const deniedList = await t
      .http()
      .get('/api/v1/attendance')
      .set(bearer(members.key))
      .expect(403);
    const deniedBulk = await bulk('scope-1', { records: [record] }, reader.key).expect(403);

    assert.equal(denied.body.required_scope, 'attendance:write');
    assert.equal(deniedList.body.required_scope, 'attendance:read');
    assert.equal(deniedBulk.body.required_scope, 'attendance:write');
    assert.equal(await rows('member_id = ? AND "date" = ?', [memberId, '2026-12-02']), 0);
  });
});
