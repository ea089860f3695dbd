import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';

@Entity({ name: 'audit_events' })
@Index(['clubId', 'at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'club_id', type: 'integer' })
  clubId: number;

  /** `api:<prefix>` for a write through the API. */
  @Column({ type: 'varchar' })
  actor: string;

  @Column({ type: 'varchar' })
  action: string;

  @Column({ type: 'varchar' })
  entity: string;

  @Column({ name: 'entity_id', type: 'integer' })
  entityId: number;

  @TimestampColumn()
  at: Date;
}
