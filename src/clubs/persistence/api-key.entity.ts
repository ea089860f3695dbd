import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ name: 'club_id', type: 'integer' })
  clubId: number;

  @Column({ type: 'varchar' })
  label: string;

  @Column({ type: 'varchar', unique: true })
  prefix: string;

  @Column({ name: 'key_hash', type: 'varchar', unique: true })
  keyHash: string;

  /** Space-separated, in the contract's order. */
  @Column({ type: 'varchar' })
  scopes: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  /** Set when the key is rotated: it keeps working until then. */
  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
