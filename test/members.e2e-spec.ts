import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Test } from 'supertest';

import { assertProblem, bodyOf, fieldsOf } from './support/problem.js';
import type { Problem } from './support/problem.js';
import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

interface Member {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  date_of_birth: string | null;
  status: 'active' | 'archived';
  group_ids: number[];
  created_at: string;
  updated_at: string;
}

interface Page {
  data: Member[];
  has_more: boolean;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MEMBER_FIELDS = [
  'created_at',
  'date_of_birth',
  'email',
  'group_ids',
  'id',
  'name',
  'phone',
  'status',
  'updated_at',
];

const daysFromToday = (days: number) =>
  new Date(Date.now() + days * 24 * 60 * 60_000).toISOString().slice(0, 10);

void describe('members', () => {
  let t: TestApp;
  let club: TestClub;
  let other: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
    other = await t.club();
  });
  after(() => t.close());

  const post = (body: unknown, key = club.key) =>
    t
      .http()
      .post('/api/v1/members')
      .set(bearer(key))
      .send(body as object);
  const patch = (id: number | string, body: unknown, key = club.key) =>
    t
      .http()
      .patch(`/api/v1/members/${id}`)
      .set(bearer(key))
      .send(body as object);
  const get = (id: number | string, key = club.key) =>
    t.http().get(`/api/v1/members/${id}`).set(bearer(key));
  const create = async (body: object = { name: 'Jan Jansen' }, key = club.key) => {
    const response = await post(body, key);
    assert.equal(response.status, 201, response.text);

    return bodyOf<Member>(response);
  };
  const countMembers = async (clubId = club.id) =>
    (await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE club_id = ?', [clubId]))[0]
      .n;
  const groupRows = async (memberId: number) =>
    (
      await t.sql<{ group_id: number }>(
        'SELECT group_id FROM member_groups WHERE member_id = ? ORDER BY group_id',
        [memberId],
      )
    ).map((row) => row.group_id);

  /** Asserts a `validation_failed` for exactly `fields`, one entry each, and no row written. */
  const assertRejected = async (send: () => Test, fields: string[]) => {
    const before = await countMembers();
    const response = await send();

    const problem = assertProblem(response, 400, 'validation_failed');
    assert.deepEqual(fieldsOf(problem), [...fields].sort());
    for (const error of problem.errors ?? []) {
      assert.ok(error.message.length > 0, `no message for ${error.field}`);
      assert.doesNotMatch(error.message, /\b(must|should|property)\b/, 'an English message');
    }
    assert.equal(await countMembers(), before);

    return problem;
  };

  void describe('POST /members', () => {
    void it('creates a member and answers 201 with the whole member and its Location', async () => {
      const [g1, , g3] = club.groupIds;

      const response = await post({
        name: '  Sanne de Vries ',
        email: 'sanne@example.nl',
        phone: '+31 6 12345678',
        date_of_birth: '2001-04-05',
        status: 'archived',
        group_ids: [g3, g1],
      });

      assert.equal(response.status, 201, response.text);
      assert.match(String(response.headers['content-type']), /^application\/json\b/);
      const member = bodyOf<Member>(response);
      assert.equal(response.headers.location, `/api/v1/members/${member.id}`);
      assert.deepEqual(Object.keys(member).sort(), MEMBER_FIELDS);
      assert.ok(Number.isSafeInteger(member.id) && member.id > 0);
      assert.deepEqual(
        { ...member, id: 0, created_at: '', updated_at: '' },
        {
          id: 0,
          name: 'Sanne de Vries',
          email: 'sanne@example.nl',
          phone: '+31 6 12345678',
          date_of_birth: '2001-04-05',
          status: 'archived',
          group_ids: [g1, g3],
          created_at: '',
          updated_at: '',
        },
      );
      assert.match(member.created_at, INSTANT);
      assert.equal(member.updated_at, member.created_at);
      const [row] = await t.sql<{ club_id: number; name: string }>(
        'SELECT club_id, name FROM members WHERE id = ?',
        [member.id],
      );
      assert.deepEqual(row, { club_id: club.id, name: 'Sanne de Vries' });
      assert.deepEqual(await groupRows(member.id), [g1, g3]);
    });

    void it('creates a member from a name alone: active, in no group, the rest null', async () => {
      const member = await create({ name: 'Alleen Naam' });

      assert.equal(member.name, 'Alleen Naam');
      assert.equal(member.email, null);
      assert.equal(member.phone, null);
      assert.equal(member.date_of_birth, null);
      assert.equal(member.status, 'active');
      assert.deepEqual(member.group_ids, []);
    });

    void it('accepts the longest name, phone and the date of today', async () => {
      const member = await create({
        name: 'n'.repeat(200),
        phone: '0'.repeat(30),
        date_of_birth: daysFromToday(0),
      });

      assert.equal(member.name.length, 200);
      assert.equal(member.phone, '0'.repeat(30));
    });

    void it('records the create in the audit log as api:<prefix>', async () => {
      const member = await create();

      const rows = await t.sql(
        'SELECT actor, action, entity FROM audit_events WHERE entity_id = ?',
        [member.id],
      );

      assert.deepEqual(rows, [{ actor: `api:${club.prefix}`, action: 'create', entity: 'member' }]);
    });

    void it("answers 400 validation_failed for group_ids not of the club's groups", async () => {
      const problem = await assertRejected(
        () => post({ name: 'Verkeerde Groep', group_ids: [club.groupIds[0], 987_654] }),
        ['group_ids'],
      );
      assert.match(problem.errors![0].message, /987654/);

      await assertRejected(
        () => post({ name: 'Andere Club', group_ids: [other.groupIds[0]] }),
        ['group_ids'],
      );
    });

    void it('answers 400 validation_failed for a field the member does not have', async () => {
      await assertRejected(() => post({ name: 'Jan', nickname: 'Jantje' }), ['nickname']);
    });

    void it('answers 400 validation_failed for an id in the body', async () => {
      await assertRejected(() => post({ id: 5, name: 'Jan' }), ['id']);
    });

    void it('answers 400 validation_failed for every field of the wrong type', async () => {
      await assertRejected(
        () =>
          post({
            name: 42,
            email: 5,
            phone: 612345678,
            date_of_birth: 20010405,
            status: true,
            group_ids: String(club.groupIds[0]),
          }),
        ['date_of_birth', 'email', 'group_ids', 'name', 'phone', 'status'],
      );
      await assertRejected(() => post({ name: 'Jan', group_ids: [1.5] }), ['group_ids']);
      await assertRejected(
        () => post({ name: 'Jan', group_ids: [String(club.groupIds[0])] }),
        ['group_ids'],
      );
    });

    void it('answers 400 validation_failed for a missing, blank or too long name', async () => {
      await assertRejected(() => post({}), ['name']);
      await assertRejected(() => post({ email: 'jan@example.nl' }), ['name']);
      await assertRejected(() => post({ name: null }), ['name']);
      await assertRejected(() => post({ name: '' }), ['name']);
      await assertRejected(() => post({ name: '    ' }), ['name']);
      await assertRejected(() => post({ name: 'n'.repeat(201) }), ['name']);
    });

    void it('answers 400 validation_failed for an email that is not an address', async () => {
      for (const email of ['geen-adres', 'jan@', '@example.nl', '']) {
        await assertRejected(() => post({ name: 'Jan', email }), ['email']);
      }
    });

    void it('answers 400 validation_failed for a phone over 30 characters', async () => {
      await assertRejected(() => post({ name: 'Jan', phone: '0'.repeat(31) }), ['phone']);
    });

    void it('answers 400 validation_failed for an impossible or future date of birth', async () => {
      for (const date of ['2026-02-30', '2001-13-01', '05-04-2001', '2001-4-5', daysFromToday(2)]) {
        await assertRejected(() => post({ name: 'Jan', date_of_birth: date }), ['date_of_birth']);
      }
    });

    void it('answers 400 validation_failed for a status but active or archived', async () => {
      for (const status of ['deleted', 'Active', '']) {
        await assertRejected(() => post({ name: 'Jan', status }), ['status']);
      }
    });

    void it('answers one errors entry per rejected field when several are wrong', async () => {
      const problem = await assertRejected(
        () =>
          post({
            name: ' ',
            email: 'geen-adres',
            phone: '0'.repeat(31),
            date_of_birth: '2026-02-30',
            status: 'weg',
            colour: 'blauw',
          }),
        ['colour', 'date_of_birth', 'email', 'name', 'phone', 'status'],
      );

      assert.equal(problem.errors!.length, 6);
    });
  });

  void describe('GET /members/{id}', () => {
    void it('answers the member as it was created', async () => {
      const created = await create({ name: 'Piet', email: 'piet@example.nl' });

      const response = await get(created.id);

      assert.equal(response.status, 200, response.text);
      assert.deepEqual(bodyOf<Member>(response), created);
    });

    void it('answers 404 not_found with a Dutch detail for an id that does not exist', async () => {
      const problem = assertProblem(await get(999_999), 404, 'not_found');

      assert.equal(problem.detail, 'Lid 999999 bestaat niet.');
    });

    void it('answers 404 not_found for an id that is not a positive integer', async () => {
      for (const id of ['abc', '0', '-1', '1.5', '1e3']) {
        const problem = assertProblem(await get(id), 404, 'not_found');

        assert.equal(problem.detail, `Lid ${id} bestaat niet.`);
      }
    });

    void it("answers 404 for another club's member, as for one that does not exist", async () => {
      const theirs = await create({ name: 'Van Een Ander' }, other.key);

      const response = await get(theirs.id);

      const problem = assertProblem(response, 404, 'not_found');
      assert.equal(problem.detail, `Lid ${theirs.id} bestaat niet.`);
      assert.ok(!response.text.includes('Van Een Ander'));
    });
  });

  void describe('PATCH /members/{id}', () => {
    const full = () =>
      create({
        name: 'Kees Bakker',
        email: 'kees@example.nl',
        phone: '0612345678',
        date_of_birth: '1990-01-31',
        group_ids: [club.groupIds[0], club.groupIds[1]],
      });

    void it('changes only the fields given and answers 200 with the member', async () => {
      const created = await full();
      await sleep(5);

      const response = await patch(created.id, { phone: '0687654321', status: 'archived' });

      assert.equal(response.status, 200, response.text);
      const updated = bodyOf<Member>(response);
      assert.deepEqual(
        { ...updated, updated_at: '' },
        { ...created, phone: '0687654321', status: 'archived', updated_at: '' },
      );
      assert.ok(updated.updated_at > created.updated_at, 'updated_at did not move');
      assert.deepEqual(bodyOf<Member>(await get(created.id)), updated);
      const [row] = await t.sql('SELECT name, email, phone, status FROM members WHERE id = ?', [
        created.id,
      ]);
      assert.deepEqual(row, {
        name: 'Kees Bakker',
        email: 'kees@example.nl',
        phone: '0687654321',
        status: 'archived',
      });
    });

    void it('clears email, phone and date_of_birth set to null', async () => {
      const created = await full();

      const response = await patch(created.id, { email: null, phone: null, date_of_birth: null });

      assert.equal(response.status, 200, response.text);
      const updated = bodyOf<Member>(response);
      assert.equal(updated.email, null);
      assert.equal(updated.phone, null);
      assert.equal(updated.date_of_birth, null);
      assert.equal(updated.name, 'Kees Bakker');
      assert.deepEqual(updated.group_ids, created.group_ids);
      const [row] = await t.sql('SELECT email, phone, date_of_birth FROM members WHERE id = ?', [
        created.id,
      ]);
      assert.deepEqual(row, { email: null, phone: null, date_of_birth: null });
    });

    void it('answers 400 validation_failed for null in a field that cannot be empty', async () => {
      const created = await full();

      await assertRejected(
        () => patch(created.id, { name: null, status: null, group_ids: null }),
        ['group_ids', 'name', 'status'],
      );

      assert.deepEqual(bodyOf<Member>(await get(created.id)), created);
    });

    void it('replaces the whole set of groups with group_ids, sorted ascending', async () => {
      const [g1, g2, g3] = club.groupIds;
      const created = await full();

      const response = await patch(created.id, { group_ids: [g3, g1] });

      assert.equal(response.status, 200, response.text);
      assert.deepEqual(bodyOf<Member>(response).group_ids, [g1, g3]);
      assert.deepEqual(await groupRows(created.id), [g1, g3]);
      assert.ok(!(await groupRows(created.id)).includes(g2));
    });

    void it('takes the member out of every group with an empty group_ids', async () => {
      const created = await full();

      const response = await patch(created.id, { group_ids: [] });

      assert.deepEqual(bodyOf<Member>(response).group_ids, []);
      assert.deepEqual(await groupRows(created.id), []);
    });

    void it('keeps the groups when group_ids is left out', async () => {
      const created = await full();

      const response = await patch(created.id, { name: 'Kees de Bakker' });

      assert.deepEqual(bodyOf<Member>(response).group_ids, created.group_ids);
      assert.deepEqual(await groupRows(created.id), created.group_ids);
    });

    void it('answers 400 validation_failed for an unknown group, keeping the groups', async () => {
      const created = await full();

      await assertRejected(
        () => patch(created.id, { group_ids: [club.groupIds[2], other.groupIds[0]] }),
        ['group_ids'],
      );

      assert.deepEqual(await groupRows(created.id), created.group_ids);
    });

    void it('answers 400 validation_failed for unknown fields, an id, and bad values', async () => {
      const created = await full();

      await assertRejected(
        () =>
          patch(created.id, {
            id: created.id + 1,
            name: '  ',
            email: 'geen-adres',
            phone: '0'.repeat(31),
            date_of_birth: daysFromToday(3),
            status: 'weg',
            shoe_size: 44,
          }),
        ['date_of_birth', 'email', 'id', 'name', 'phone', 'shoe_size', 'status'],
      );

      assert.deepEqual(bodyOf<Member>(await get(created.id)), created);
    });

    void it('records the update in the audit log as api:<prefix>', async () => {
      const created = await create();

      await patch(created.id, { name: 'Jan Janssen' }).expect(200);

      const rows = await t.sql('SELECT actor, action FROM audit_events WHERE entity_id = ?', [
        created.id,
      ]);
      assert.deepEqual(rows, [
        { actor: `api:${club.prefix}`, action: 'create' },
        { actor: `api:${club.prefix}`, action: 'update' },
      ]);
    });

    void it("answers 404 for an unknown or another club's id, changing nothing", async () => {
      const theirs = await create({ name: 'Van Een Ander' }, other.key);

      assert.equal(
        assertProblem(await patch(999_999, { name: 'X' }), 404, 'not_found').detail,
        'Lid 999999 bestaat niet.',
      );
      assert.equal(
        assertProblem(await patch('abc', { name: 'X' }), 404, 'not_found').detail,
        'Lid abc bestaat niet.',
      );
      assert.equal(
        assertProblem(await patch(theirs.id, { name: 'Gekaapt' }), 404, 'not_found').detail,
        `Lid ${theirs.id} bestaat niet.`,
      );
      assert.equal(bodyOf<Member>(await get(theirs.id, other.key)).name, 'Van Een Ander');
    });
  });

  void describe('DELETE /members/{id}', () => {
    void it('deletes the member and its group memberships, answers 204, then 404', async () => {
      const created = await create({ name: 'Weg', group_ids: [club.groupIds[0]] });

      const response = await t.http().delete(`/api/v1/members/${created.id}`).set(bearer(club.key));

      assert.equal(response.status, 204, response.text);
      assert.equal(response.text, '');
      const [{ n }] = await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE id = ?', [
        created.id,
      ]);
      assert.equal(n, 0);
      assert.deepEqual(await groupRows(created.id), []);
      assert.equal(
        assertProblem(await get(created.id), 404, 'not_found').detail,
        `Lid ${created.id} bestaat niet.`,
      );
      const again = await t.http().delete(`/api/v1/members/${created.id}`).set(bearer(club.key));
      assertProblem(again, 404, 'not_found');
    });

    void it('records the delete in the audit log as api:<prefix>', async () => {
      const created = await create();

      await t.http().delete(`/api/v1/members/${created.id}`).set(bearer(club.key)).expect(204);

      const rows = await t.sql<{ action: string; actor: string }>(
        'SELECT actor, action FROM audit_events WHERE entity_id = ? ORDER BY id',
        [created.id],
      );
      assert.deepEqual(rows.at(-1), { actor: `api:${club.prefix}`, action: 'delete' });
    });

    void it("answers 404 for an unknown or another club's id, deleting nothing", async () => {
      const theirs = await create({ name: 'Van Een Ander' }, other.key);
      const remove = (id: number | string) =>
        t.http().delete(`/api/v1/members/${id}`).set(bearer(club.key));

      assert.equal(
        assertProblem(await remove(999_999), 404, 'not_found').detail,
        'Lid 999999 bestaat niet.',
      );
      assert.equal(
        assertProblem(await remove('abc'), 404, 'not_found').detail,
        'Lid abc bestaat niet.',
      );
      assert.equal(
        assertProblem(await remove(theirs.id), 404, 'not_found').detail,
        `Lid ${theirs.id} bestaat niet.`,
      );
      await get(theirs.id, other.key).expect(200);
    });
  });
});

void describe('GET /members', () => {
  let t: TestApp;
  let club: TestClub;
  let other: TestClub;
  // The ids of the club's 205 members, in the order they were created.
  const ids: number[] = [];
  const otherIds: number[] = [];

  before(async () => {
    t = await startTestApp();
    club = await t.club();
    other = await t.club();
    for (let i = 0; i < 205; i++) {
      // Another club's members now and then, so that the club's ids have gaps.
      if (i % 50 === 10) {
        otherIds.push(await create(other.key, { name: `Ander ${i}` }));
      }
      const groupIds = i % 3 === 0 ? [club.groupIds[0]] : [];
      const status = i % 4 === 0 ? 'archived' : 'active';
      ids.push(await create(club.key, { name: `Lid ${i}`, status, group_ids: groupIds }));
    }
  });
  after(() => t.close());

  async function create(key: string, body: object): Promise<number> {
    const response = await t.http().post('/api/v1/members').set(bearer(key)).send(body);
    assert.equal(response.status, 201, response.text);

    return bodyOf<Member>(response).id;
  }

  const list = (query: Record<string, string | string[]> = {}, key = club.key) =>
    t.http().get('/api/v1/members').query(query).set(bearer(key));
  const page = async (query: Record<string, string | string[]> = {}, key = club.key) => {
    const response = await list(query, key);
    assert.equal(response.status, 200, response.text);

    return bodyOf<Page>(response);
  };
  const idsOf = (members: Member[]) => members.map((member) => member.id);

  /** Every id the list answers, following `starting_after` page by page. */
  const walk = async (query: Record<string, string>, limit: number) => {
    const seen: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const next = await page({
        ...query,
        limit: String(limit),
        ...(cursor === undefined ? {} : { starting_after: String(cursor) }),
      });
      assert.ok(next.data.length <= limit);
      seen.push(...idsOf(next.data));
      if (!next.has_more) {
        return seen;
      }
      assert.equal(next.data.length, limit, 'a page that is not full says has_more');
      cursor = next.data.at(-1)!.id;
    }
  };

  void it('answers the first 50 members in ascending id order, with has_more', async () => {
    const first = await page();

    assert.deepEqual(Object.keys(first).sort(), ['data', 'has_more']);
    assert.deepEqual(idsOf(first.data), ids.slice(0, 50));
    assert.equal(first.has_more, true);
    assert.deepEqual(Object.keys(first.data[0]).sort(), MEMBER_FIELDS);
  });

  void it('answers up to 200 members with limit=200', async () => {
    const first = await page({ limit: '200' });

    assert.deepEqual(idsOf(first.data), ids.slice(0, 200));
    assert.equal(first.has_more, true);
  });

  void it('walks every member once with starting_after, without gaps or duplicates', async () => {
    for (const limit of [7, 50, 200]) {
      assert.deepEqual(await walk({}, limit), ids, `limit ${limit}`);
    }
  });

  void it('says has_more false on the last page, also when it is exactly full', async () => {
    const last = await page({ limit: '5', starting_after: String(ids.at(-6)) });

    assert.deepEqual(idsOf(last.data), ids.slice(-5));
    assert.equal(last.has_more, false);
    const beyond = await page({ starting_after: String(ids.at(-1)) });
    assert.deepEqual(beyond, { data: [], has_more: false });
  });

  void it("never answers another club's members", async () => {
    const all = await walk({}, 200);

    assert.ok(all.every((id) => !otherIds.includes(id)));
    const theirs = await page({ starting_after: String(otherIds[0] - 1), limit: '1' });
    assert.notEqual(theirs.data[0].id, otherIds[0]);
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM members WHERE club_id = ? AND id IN (${all.join(',')})`,
      [club.id],
    );
    assert.equal(n, ids.length);
  });

  void it('answers 400 bad_request for a bad limit, never clamping it', async () => {
    for (const limit of ['0', '201', '-1', '1.5', 'abc', '', '10abc', ['10', '20']]) {
      assertProblem(await list({ limit }), 400, 'bad_request');
    }
  });

  void it('answers 400 bad_request for a bad starting_after', async () => {
    for (const startingAfter of ['abc', '0', '-5', '1.5', '', ['1', '2']]) {
      assertProblem(await list({ starting_after: startingAfter }), 400, 'bad_request');
    }
  });

  void it('answers 400 bad_request for an unknown query parameter', async () => {
    const queries: Record<string, string>[] = [
      { page: '2' },
      { sort: 'name' },
      { Limit: '5' },
      { club_id: '1' },
    ];
    for (const query of queries) {
      const problem = assertProblem(await list(query), 400, 'bad_request');

      assert.match(problem.detail, new RegExp(Object.keys(query)[0]));
    }
  });

  void it('keeps only the members with the given status', async () => {
    const archived = ids.filter((_, i) => i % 4 === 0);
    const active = ids.filter((_, i) => i % 4 !== 0);

    assert.deepEqual(await walk({ status: 'archived' }, 20), archived);
    assert.deepEqual(await walk({ status: 'active' }, 200), active);
    assertProblem(await list({ status: 'deleted' }), 400, 'bad_request');
  });

  void it('keeps only the members of the given group', async () => {
    const inGroup = ids.filter((_, i) => i % 3 === 0);
    const both = ids.filter((_, i) => i % 3 === 0 && i % 4 === 0);

    assert.deepEqual(await walk({ group_id: String(club.groupIds[0]) }, 10), inGroup);
    assert.deepEqual(await walk({ group_id: String(club.groupIds[1]) }, 50), []);
    assert.deepEqual(
      await walk({ group_id: String(club.groupIds[0]), status: 'archived' }, 7),
      both,
    );
    for (const groupId of ['abc', '0', '-1']) {
      assertProblem(await list({ group_id: groupId }), 400, 'bad_request');
    }
  });

  void it("answers no members for another club's group", async () => {
    const theirs = await page({ group_id: String(other.groupIds[0]) });

    assert.deepEqual(theirs, { data: [], has_more: false });
  });
});

void describe('GET /members?updated_since', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  const create = async (name: string) => {
    const response = await t.http().post('/api/v1/members').set(bearer(club.key)).send({ name });
    assert.equal(response.status, 201, response.text);

    return bodyOf<Member>(response);
  };
  const since = async (updatedSince: string) => {
    const response = await t
      .http()
      .get('/api/v1/members')
      .query({ updated_since: updatedSince })
      .set(bearer(club.key));
    assert.equal(response.status, 200, response.text);

    return bodyOf<Page>(response).data.map((member) => member.id);
  };

  void it('keeps the members changed at or after the moment, inclusive', async () => {
    const first = await create('Eerste');
    await sleep(10);
    const second = await create('Tweede');
    await sleep(10);
    const third = await create('Derde');

    assert.deepEqual(await since(second.updated_at), [second.id, third.id]);
    assert.deepEqual(await since(first.updated_at), [first.id, second.id, third.id]);
    const justAfter = new Date(new Date(third.updated_at).getTime() + 1).toISOString();
    assert.deepEqual(await since(justAfter), []);

    await sleep(10);
    const changed = await t
      .http()
      .patch(`/api/v1/members/${first.id}`)
      .set(bearer(club.key))
      .send({ phone: '0611111111' });
    const updated = bodyOf<Member>(changed);
    assert.deepEqual(await since(updated.updated_at), [first.id]);
  });

  void it('reads a moment given with another UTC offset as the same instant', async () => {
    const member = await create('Offset');
    const instant = new Date(member.updated_at);
    const local = new Date(instant.getTime() + 2 * 60 * 60_000)
      .toISOString()
      .replace('Z', '+02:00');

    assert.ok((await since(local)).includes(member.id), local);
  });

  void it('answers 400 bad_request for a moment not in ISO 8601 with a zone', async () => {
    for (const bad of [
      'yesterday',
      '2026-13-01T00:00:00.000Z',
      '2026-07-02T25:00:00Z',
      '2026-07-02',
      '2026-07-02T19:00:00',
      '1751482800000',
      '',
    ]) {
      const response = await t
        .http()
        .get('/api/v1/members')
        .query({ updated_since: bad })
        .set(bearer(club.key));

      const problem: Problem = assertProblem(response, 400, 'bad_request');
      assert.match(problem.detail, /updated_since/);
    }
  });
});
