import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

import { TimestampColumn } from '../../common/persistence/timestamp-column.js';
import type { KeyState } from '../domain/idempotency-key.js';

@Entity({ name: 'idempotency_keys' })
@Index(['tenant', 'key'], { unique: true })
@Index(['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** Whose key this is (a club): keys of two tenants never meet. */
  @Column({ type: 'varchar' })
  tenant: string;

  @Column({ type: 'varchar' })
  key: string;

  @Column({ type: 'varchar' })
  method: string;

  @Column({ type: 'varchar' })
  path: string;

  @Column({ type: 'varchar' })
  fingerprint: string;

  /** The permission of the endpoint it was used on; reading the key needs it too. */
  @Column({ type: 'varchar' })
  permission: string;

  @Column({ type: 'varchar' })
  state: KeyState;

  /** A random id of the request that holds the key now. */
  @Column({ type: 'varchar' })
  holder: string;

  /** Raised by every claim: the fencing token a holder shows at each commit. */
  @Column({ name: 'lease_token', type: 'integer' })
  leaseToken: number;

  @TimestampColumn({ name: 'lease_expires_at' })
  leaseExpiresAt: Date;

  @Column({ name: 'items_total', type: 'integer', nullable: true })
  itemsTotal: number | null;

  @Column({ name: 'items_done', type: 'integer', default: 0 })
  itemsDone: number;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  /** JSON: the stored headers (`Content-Type`, `Location`). */
  @Column({ name: 'response_headers', type: 'text', nullable: true })
  responseHeaders: string | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;
}
