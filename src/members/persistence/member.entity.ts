import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';
import type { MemberStatus } from '../domain/member.js';

@Entity({ name: 'members' })
@Index(['clubId', 'id'])
@Index(['clubId', 'updatedAt'])
export class MemberEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'club_id', type: 'integer' })
  clubId: number;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar', nullable: true })
  email: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone: string | null;

  @Column({ name: 'date_of_birth', type: 'varchar', nullable: true })
  dateOfBirth: string | null;

  @Column({ type: 'varchar' })
  status: MemberStatus;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
