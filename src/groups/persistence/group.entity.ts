import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';

@Entity({ name: 'groups' })
@Index(['clubId', 'id'])
export class GroupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'club_id', type: 'integer' })
  clubId: number;

  @Column({ type: 'varchar' })
  name: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt: Date;
}
