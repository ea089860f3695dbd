import type { EntityManager } from 'typeorm';

import { SqlStatement } from '../../common/persistence/sql-statement.js';
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

const INSERT_MEMBER = new SqlStatement(
  'INSERT INTO members (club_id, name, email, phone, date_of_birth, status, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
);

// Only the club's own groups are taken: fewer rows than ids means an id is not one of them.
const ADD_TO_GROUPS = new SqlStatement({
  sqlite:
    'INSERT INTO member_groups (member_id, group_id) ' +
    'SELECT ?, id FROM groups WHERE club_id = ? AND id IN (SELECT value FROM json_each(?))',
  postgres:
    'INSERT INTO member_groups (member_id, group_id) ' +
    'SELECT ?, id FROM groups WHERE club_id = ? AND id = ANY(?::int[])',
});

/** The writes of a member create on the hot path, as statements prepared once. */
export async function insertMember(manager: EntityManager, row: NewMemberRow): Promise<number> {
  const { rows } = await INSERT_MEMBER.run<{ id: number }>(manager, [
    row.clubId,
    row.name,
    row.email,
    row.phone,
    row.dateOfBirth,
    row.status,
    row.at,
    row.at,
  ]);

  return Number(rows[0].id);
}

/** Adds the member to those of `groupIds` that are the club's; answers how many they were. */
export async function addToGroups(
  manager: EntityManager,
  clubId: number,
  memberId: number,
  groupIds: readonly number[],
): Promise<number> {
  const { affected } = await ADD_TO_GROUPS.run(manager, [memberId, clubId, groupIds]);

  return affected;
}
