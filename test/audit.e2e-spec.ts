import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';

const CLI = fileURLToPath(new URL('../src/cli/club-tool.js', import.meta.url));

interface AuditEvent {
  id: number;
  actor: string;
  action: string;
  entity: string;
  entity_id: number;
  at: string;
}

describe('the audit log', () => {
  let t: TestApp;
  let club: TestClub;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
  });
  after(() => t.close());

  const audit = (...args: string[]) =>
    new Promise<AuditEvent[]>((resolve, reject) =>
      execFile(
        process.execPath,
        [CLI, 'audit', '--club', club.slug, '--json', ...args],
        { env: { ...t.database.env }, timeout: 30_000 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`${error.message}\n${stderr}`))
            : resolve(JSON.parse(stdout).data),
      ),
    );
  const events = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))[0].n);

  it('records every API write as api:<prefix>, and club-tool audit lists them', async () => {
    const created = await t
      .http()
      .post('/api/v1/members')
      .set(bearer(club.key))
      .send({ name: 'Gevolgd' })
      .expect(201);
    const id = created.body.id as number;
    const since = new Date().toISOString();
    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'audit-bulk')
      .send({
        operations: [
          { op: 'update', id, data: { phone: '0612345678' } },
          { op: 'update', id: 987_654, data: { phone: '1' } },
        ],
      })
      .expect(200);
    await t
      .http()
      .put('/api/v1/attendance')
      .set(bearer(club.key))
      .send({ member_id: id, group_id: club.groupIds[0], date: '2026-07-02', present: true })
      .expect(201);

    const all = await audit();
    const recent = await audit('--since', since);

    assert.deepEqual(
      all.map((e) => [e.actor, e.action, e.entity]),
      [
        [`api:${club.prefix}`, 'create', 'member'],
        [`api:${club.prefix}`, 'update', 'member'],
        [`api:${club.prefix}`, 'create', 'attendance_record'],
      ],
    );
    assert.equal(all[0].entity_id, id);
    assert.match(all[0].at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.deepEqual(
      recent.map((e) => e.action),
      ['update', 'create'],
    );
  });

  it('records nothing for a replay, a failed item or an unchanged record', async () => {
    const body = { operations: [{ op: 'create', data: { name: 'Eenmaal' } }] };
    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'audit-replay')
      .send(body)
      .expect(200);
    const before = await events();

    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'audit-replay')
      .send(body)
      .expect(200);
    await t
      .http()
      .post('/api/v1/members/bulk')
      .set(bearer(club.key))
      .set('Idempotency-Key', 'audit-failed')
      .send({ operations: [{ op: 'delete', id: 987_654 }] })
      .expect(200);

    assert.equal(await events(), before);
  });
});
