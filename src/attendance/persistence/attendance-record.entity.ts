import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';

@Entity({ name: 'attendance_records' })
@Index(['memberId', 'groupId', 'date'], { unique: true })
@Index(['clubId', 'id'])
export class AttendanceRecordEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'club_id', type: 'integer' })
  clubId: number;

  @Column({ name: 'member_id', type: 'integer' })
  memberId: number;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ type: 'varchar' })
  date: string;

  @Column({ type: 'boolean' })
  present: boolean;

  /** How many upserts reached the record: 1 right after the one that created it. */
  @Column({ name: 'upserts', type: 'integer' })
  upserts: number;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
