import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

describe('POST /members/bulk', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  const bulk = (key: string, idempotencyKey: string, body: unknown) =>
    t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(key))
      .set('Idempotency-Key', idempotencyKey)
      .send(body as object);

  it('answers the documented mixed batch 201 / 200 / 404 and really writes it', async () => {
    const existing = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .send({ name: 'Jan Jansen' })
      .expect(201);
    const id = existing.body.id as number;

    const response = await bulk(club.key, 'mixed-1', {
      operations: [
        { op: 'create', data: { name: 'Sanne de Vries', email: 'sanne@example.nl' } },
        { op: 'update', id, data: { status: 'archived' } },
        { op: 'delete', id: 999_999 },
      ],
    }).expect(200);

    assert.equal(response.body.succeeded, 2);
    assert.equal(response.body.failed, 1);
    const [created, updated, missing] = response.body.results;
    assert.equal(created.status, 201);
    assert.equal(typeof created.id, 'number');
    assert.deepEqual(updated, { status: 200, id });
    assert.deepEqual(missing, {
      status: 404,
      id: 999_999,
      code: 'not_found',
      error: 'Lid 999999 bestaat niet.',
    });
    const sanne = await t.http().get(`/api/v1/members/${created.id}`).set(bearer(club.key));
    assert.equal(sanne.body.name, 'Sanne de Vries');
    assert.equal(sanne.body.email, 'sanne@example.nl');
    const jan = await t.http().get(`/api/v1/members/${id}`).set(bearer(club.key));
    assert.equal(jan.body.status, 'archived');
  });

  it('fails an invalid item alone, with its code and the field paths inside the item', async () => {
    const response = await bulk(club.key, 'invalid-item-1', {
      operations: [
        { op: 'create', data: { name: 'Goed Lid' } },
        { op: 'create', data: { name: '', email: 'geen-adres', id: 5 } },
        'not an object',
        { op: 'merge', id: 1 },
        { op: 'create', data: { name: 'Ook Goed', group_ids: [club.groupIds[0], 987_654] } },
        { op: 'create', data: { name: 'Laatste' } },
      ],
    }).expect(200);

    const statuses = response.body.results.map((r: { status: number }) => r.status);
    assert.deepEqual(statuses, [201, 400, 400, 400, 400, 201]);
    assert.equal(response.body.succeeded, 2);
    assert.equal(response.body.failed, 4);
    const invalid = response.body.results[1];
    assert.equal(invalid.code, 'validation_failed');
    assert.equal(typeof invalid.error, 'string');
    assert.equal(invalid.id, undefined);
    assert.deepEqual(invalid.errors.map((e: { field: string }) => e.field).sort(), [
      'data.email',
      'data.id',
      'data.name',
    ]);
    assert.equal(response.body.results[2].code, 'bad_request');
    assert.equal(response.body.results[3].code, 'bad_request');
    assert.deepEqual(
      response.body.results[4].errors.map((e: { field: string }) => e.field),
      ['data.group_ids'],
    );
    const names = await t.sql<{ name: string }>(
      'SELECT name FROM members WHERE club_id = ? AND name IN (?, ?, ?)',
      [club.id, 'Goed Lid', 'Ook Goed', 'Laatste'],
    );
    assert.deepEqual(names.map((r) => r.name).sort(), ['Goed Lid', 'Laatste']);
  });

  it('applies items in array order: update then delete both succeed', async () => {
    const created = await bulk(club.key, 'order-setup-1', {
      operations: [{ op: 'create', data: { name: 'Volgorde' } }],
    }).expect(200);
    const id = created.body.results[0].id as number;

    const response = await bulk(club.key, 'order-1', {
      operations: [
        { op: 'update', id, data: { phone: '0612345678' } },
        { op: 'delete', id },
      ],
    }).expect(200);

    assert.deepEqual(response.body.results, [
      { status: 200, id },
      { status: 200, id },
    ]);
    await t.http().get(`/api/v1/members/${id}`).set(bearer(club.key)).expect(404);
  });

  it('applies items in array order: delete then update makes the update a 404', async () => {
    const created = await bulk(club.key, 'order-setup-2', {
      operations: [{ op: 'create', data: { name: 'Weg' } }],
    }).expect(200);
    const id = created.body.results[0].id as number;

    const response = await bulk(club.key, 'order-2', {
      operations: [
        { op: 'delete', id },
        { op: 'update', id, data: { name: 'Terug' } },
      ],
    }).expect(200);

    assert.equal(response.body.results[0].status, 200);
    assert.equal(response.body.results[1].status, 404);
    assert.equal(response.body.results[1].code, 'not_found');
    assert.equal(response.body.succeeded, 1);
    assert.equal(response.body.failed, 1);
  });

  it("answers 404 for another club's ids and leaves that member untouched", async () => {
    const other = await t.club();
    const theirs = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(other.key))
      .send({ name: 'Van Een Ander', group_ids: [other.groupIds[0]] })
      .expect(201);
    const id = theirs.body.id as number;

    const response = await bulk(club.key, 'foreign-1', {
      operations: [
        { op: 'update', id, data: { name: 'Gekaapt' } },
        { op: 'delete', id },
        { op: 'create', data: { name: 'Mijn Lid', group_ids: [other.groupIds[0]] } },
      ],
    }).expect(200);

    assert.deepEqual(
      response.body.results.map((r: { status: number }) => r.status),
      [404, 404, 400],
    );
    assert.equal(response.body.results[0].error, `Lid ${id} bestaat niet.`);
    const still = await t.http().get(`/api/v1/members/${id}`).set(bearer(other.key)).expect(200);
    assert.equal(still.body.name, 'Van Een Ander');
    await t.http().get(`/api/v1/members/${id}`).set(bearer(club.key)).expect(404);
  });

  it('never hands out the id of a deleted member again', async () => {
    const created = await bulk(club.key, 'ids-1', {
      operations: [{ op: 'create', data: { name: 'Eerste' } }],
    }).expect(200);
    const id = created.body.results[0].id as number;
    await bulk(club.key, 'ids-2', { operations: [{ op: 'delete', id }] }).expect(200);

    const next = await bulk(club.key, 'ids-3', {
      operations: [{ op: 'create', data: { name: 'Tweede' } }],
    }).expect(200);

    assert.ok(next.body.results[0].id > id, `${next.body.results[0].id} after ${id}`);
  });

  it('records every applied item in the audit log as api:<prefix>', async () => {
    const response = await bulk(club.key, 'audit-1', {
      operations: [{ op: 'create', data: { name: 'Gelogd' } }],
    }).expect(200);
    const id = response.body.results[0].id as number;

    const rows = await t.sql<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_events WHERE club_id = ? AND entity_id = ?',
      [club.id, id],
    );

    assert.deepEqual(rows, [{ actor: `api:${club.prefix}`, action: 'create' }]);
  });
});
