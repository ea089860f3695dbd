export const MEMBER_STATUSES = ['active', 'archived'] as const;

export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface MemberView {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  date_of_birth: string | null;
  status: MemberStatus;
  group_ids: number[];
  created_at: string;
  updated_at: string;
}

/** The fields of a write: undefined leaves a field as it is, null clears it. */
export interface MemberFields {
  name?: string;
  email?: string | null;
  phone?: string | null;
  date_of_birth?: string | null;
  status?: MemberStatus;
  group_ids?: number[];
}

/** Who made a write, for the audit log: `api:<prefix>` of the key, within its club. */
export interface Actor {
  clubId: number;
  name: string;
}
