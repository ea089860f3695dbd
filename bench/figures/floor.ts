import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';

import type { TestClub } from '../../test/support/test-app.js';
import { numbered, query, timestampFor } from '../database.js';
import type { BenchDatabase, DatabaseKind, SqlConnection } from '../database.js';

export interface FloorPlan {
  items: number;
  batchItems: number;
  /** Batches in flight at once: 1 on SQLite (one writer), the load's connections on PostgreSQL. */
  streams: number;
  leaseMs: number;
  deadlineMs: number;
}

export interface FloorResult {
  items: number;
  seconds: number;
  itemsPerSecond: number;
}

// The writes of one bulk create item, in the order the service makes them (MembersService
// .insert, then IdempotencyKeyStore.recordItem), one transaction per item.
const SQL = {
  member:
    'INSERT INTO members (club_id, name, email, phone, date_of_birth, status, created_at, updated_at) ' +
    "VALUES (?, ?, ?, NULL, NULL, 'active', ?, ?) RETURNING id",
  memberships: 'INSERT INTO member_groups (member_id, group_id) VALUES (?, ?), (?, ?)',
  audit:
    'INSERT INTO audit_events (club_id, actor, action, entity, entity_id, at) ' +
    "VALUES (?, ?, 'create', 'member', ?, ?)",
  fence:
    'UPDATE idempotency_keys SET items_done = items_done + 1, lease_expires_at = ? ' +
    'WHERE id = ? AND lease_token = ?',
  ledger: 'INSERT INTO idempotency_items (key_id, item_index, result) VALUES (?, ?, ?)',
};

const KEY_ROW =
  'INSERT INTO idempotency_keys (tenant, key, method, path, fingerprint, permission, state, ' +
  'holder, lease_token, lease_expires_at, items_total, items_done, created_at, expires_at) ' +
  "VALUES (?, ?, 'POST', '/api/v1/members/bulk', ?, 'members:write', 'in_progress', ?, 1, ?, ?, 0, ?, ?) " +
  'RETURNING id';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Figure 1, the floor: the per-item transactions of 100-item create batches, issued straight
 * through the driver on the app's schema, with the service's pragmas. The key rows the items
 * are fenced against are made before the clock starts: the floor is the items alone.
 */
export async function measureFloor(database: BenchDatabase, plan: FloorPlan): Promise<FloorResult> {
  const connections: SqlConnection[] = [];
  try {
    for (let i = 0; i < plan.streams; i++) {
      connections.push(await database.connect());
    }
    const keyIds = await makeKeyRows(connections[0], database.club, plan);
    const started = performance.now();
    const deadline = started + plan.deadlineMs;
    const done = await Promise.all(
      connections.map((connection, stream) =>
        runStream(
          connection,
          database.club,
          keyIds.filter((_, index) => index % plan.streams === stream),
          plan,
          deadline,
        ),
      ),
    );
    const items = done.reduce((sum, count) => sum + count, 0);
    const seconds = (performance.now() - started) / 1000;

    return { items, seconds, itemsPerSecond: items / seconds };
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}

async function makeKeyRows(connection: SqlConnection, club: TestClub, plan: FloorPlan) {
  const now = new Date();
  const at = (offsetMs: number) =>
    timestampFor(connection.kind, new Date(now.getTime() + offsetMs));
  const ids: number[] = [];
  for (let batch = 0; batch < Math.ceil(plan.items / plan.batchItems); batch++) {
    const [row] = await query<{ id: number }>(connection, KEY_ROW, [
      `club:${club.id}`,
      `floor-${randomUUID()}`,
      randomUUID().replace(/-/g, ''),
      randomUUID(),
      at(plan.leaseMs),
      plan.batchItems,
      at(0),
      at(DAY_MS),
    ]);
    ids.push(Number(row.id));
  }

  return ids;
}

async function runStream(
  connection: SqlConnection,
  club: TestClub,
  keyIds: number[],
  plan: FloorPlan,
  deadline: number,
): Promise<number> {
  const item =
    connection.kind === 'sqlite'
      ? sqliteItem(connection.db, club)
      : postgresItem(connection.client, club);
  let done = 0;
  for (const keyId of keyIds) {
    for (let index = 0; index < plan.batchItems; index++) {
      await item(keyId, index, leaseEnd(connection.kind, plan.leaseMs));
      done += 1;
    }
    if (performance.now() > deadline) {
      break;
    }
  }

  return done;
}

function leaseEnd(kind: DatabaseKind, leaseMs: number) {
  return timestampFor(kind, new Date(Date.now() + leaseMs));
}

type ItemWrite = (keyId: number, index: number, leaseEnd: string | Date) => Promise<void>;

function sqliteItem(db: Database.Database, club: TestClub): ItemWrite {
  const statements = {
    member: db.prepare<unknown[], { id: number }>(SQL.member),
    memberships: db.prepare(SQL.memberships),
    audit: db.prepare(SQL.audit),
    fence: db.prepare(SQL.fence),
    ledger: db.prepare(SQL.ledger),
  };
  const [first, second] = club.groupIds;
  const write = db.transaction((keyId: number, index: number, lease: string) => {
    const now = timestampFor('sqlite', new Date());
    const name = `floor-${keyId}-${index}`;
    const { id } = statements.member.get(
      club.id,
      `Lid ${name}`,
      `${name}@bench.example`,
      now,
      now,
    )!;
    statements.memberships.run(id, first, id, second);
    statements.audit.run(club.id, `api:${club.prefix}`, id, now);
    if (statements.fence.run(lease, keyId, 1).changes !== 1) {
      throw new Error(`Floor: the fenced update of key #${keyId} matched no row`);
    }
    statements.ledger.run(keyId, index, JSON.stringify({ status: 201, id }));
  });

  // better-sqlite3 is synchronous: the promise only fits the shape both drivers share.
  return (keyId, index, lease) => Promise.resolve(write(keyId, index, lease as string));
}

// Named statements: the driver parses each once per connection, as a floor should.
function postgresItem(client: pg.Client, club: TestClub): ItemWrite {
  const run = (name: keyof typeof SQL, values: unknown[]) =>
    client.query({ name: `floor-${name}`, text: numbered(SQL[name]), values });
  const [first, second] = club.groupIds;

  return async (keyId, index, lease) => {
    const now = new Date();
    const name = `floor-${keyId}-${index}`;
    await client.query('BEGIN');
    try {
      const member = await run('member', [
        club.id,
        `Lid ${name}`,
        `${name}@bench.example`,
        now,
        now,
      ]);
      const id = Number((member.rows[0] as { id: number }).id);
      await run('memberships', [id, first, id, second]);
      await run('audit', [club.id, `api:${club.prefix}`, id, now]);
      if ((await run('fence', [lease, keyId, 1])).rowCount !== 1) {
        throw new Error(`Floor: the fenced update of key #${keyId} matched no row`);
      }
      await run('ledger', [keyId, index, JSON.stringify({ status: 201, id })]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  };
}
