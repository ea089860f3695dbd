import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The ledger: one row per item a key's request applied, written in that item's transaction. */
@Entity({ name: 'idempotency_items' })
export class IdempotencyItemEntity {
  @PrimaryColumn({ name: 'key_id', type: 'integer' })
  keyId: number;

  @PrimaryColumn({ name: 'item_index', type: 'integer' })
  itemIndex: number;

  /** JSON: the item's result as it is answered. */
  @Column({ type: 'text' })
  result: string;
}
