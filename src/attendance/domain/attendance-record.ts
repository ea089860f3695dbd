export interface AttendanceRecordView {
  id: number;
  member_id: number;
  group_id: number;
  date: string;
  present: boolean;
  created_at: string;
  updated_at: string;
}

/** What an upsert did: 201 created, 200 changed or already so, cleared (204 / 200 in a batch). */
export type UpsertOutcome =
  | { kind: 'created' | 'changed' | 'unchanged'; record: AttendanceRecordView }
  | { kind: 'cleared'; id: number | null };

export interface RecordFilters {
  member_id?: number;
  group_id?: number;
  date_from?: string;
  date_to?: string;
  updated_since?: Date;
}
