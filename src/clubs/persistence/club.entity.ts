import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';

@Entity({ name: 'clubs' })
export class ClubEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar' })
  name: string;

  @Column({ type: 'varchar', unique: true })
  slug: string;

  @Column({ type: 'varchar' })
  plan: string;

  @TimestampColumn({ name: 'plan_expires_at', nullable: true })
  planExpiresAt: Date | null;

  @Column({ type: 'boolean', default: false })
  demo: boolean;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
