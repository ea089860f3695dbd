import type { EntityManager } from 'typeorm';

import { SqlStatement, isPostgres } from '../../common/persistence/sql-statement.js';
import type { MemberStatus } from '../domain/member.js';

export interface NewMemberRow {
  clubId: number;
  name: string;
  email: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  status: MemberStatus;
  at: Date;
}

export interface InsertedMember {
  id: number;
  /** How many of the asked groups were the club's, and so were given the member. */
  groupsAdded: number;
}

const MEMBER_COLUMNS =
  'members (club_id, name, email, phone, date_of_birth, status, created_at, updated_at)';

const INSERT_MEMBER = new SqlStatement(
  `INSERT INTO ${MEMBER_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
);

// Only the club's own groups are taken: fewer rows than ids means an id is not one of them.
const ADD_TO_GROUPS = new SqlStatement(
  'INSERT INTO member_groups (member_id, group_id) ' +
    'SELECT ?, id FROM groups WHERE club_id = ? AND id IN (SELECT value FROM json_each(?))',
);

// PostgreSQL writes both in one statement, saving a round trip per item; SQLite runs in the
// process, where a second statement costs microseconds, and has no writes inside WITH.
const INSERT_MEMBER_WITH_GROUPS = new SqlStatement(
  `WITH member AS (INSERT INTO ${MEMBER_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id), ` +
    'memberships AS (INSERT INTO member_groups (member_id, group_id) ' +
    'SELECT member.id, groups.id FROM member, groups ' +
    'WHERE groups.club_id = ? AND groups.id = ANY(?::int[]) RETURNING group_id) ' +
    'SELECT member.id, (SELECT COUNT(*) FROM memberships) AS groups FROM member',
);

/** Inserts a member with those of `groupIds` that are groups of its club. */
export async function insertMember(
  manager: EntityManager,
  row: NewMemberRow,
  groupIds: readonly number[],
): Promise<InsertedMember> {
  const values = [
    row.clubId,
    row.name,
    row.email,
    row.phone,
    row.dateOfBirth,
    row.status,
    row.at,
    row.at,
  ];
  if (isPostgres(manager)) {
    const { rows } = await INSERT_MEMBER_WITH_GROUPS.run<{ id: number; groups: string }>(manager, [
      ...values,
      row.clubId,
      groupIds,
    ]);

    return { id: Number(rows[0].id), groupsAdded: Number(rows[0].groups) };
  }
  const { rows } = await INSERT_MEMBER.run<{ id: number }>(manager, values);
  const id = Number(rows[0].id);
  const { affected } = groupIds.length
    ? await ADD_TO_GROUPS.run(manager, [id, row.clubId, groupIds])
    : { affected: 0 };

  return { id, groupsAdded: affected };
}
