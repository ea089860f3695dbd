import { Injectable } from '@nestjs/common';
import { MoreThanOrEqual } from 'typeorm';
import type { EntityManager } from 'typeorm';

import { SqlStatement } from '../common/persistence/sql-statement.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';

import { AuditEventEntity } from './persistence/audit-event.entity.js';

// Written by every item of a batch: a statement prepared once.
const RECORD = new SqlStatement(
  'INSERT INTO audit_events (club_id, actor, action, entity, entity_id, at) ' +
    'VALUES (?, ?, ?, ?, ?, ?)',
);

export interface AuditEntry {
  clubId: number;
  actor: string;
  action: 'create' | 'update' | 'delete' | 'clear';
  entity: string;
  entityId: number;
}

export interface AuditEventView {
  id: number;
  actor: string;
  action: string;
  entity: string;
  entity_id: number;
  at: string;
}

/** The club's audit log: who wrote what, written in the same transaction as the write. */
@Injectable()
export class AuditLogService {
  constructor(private readonly db: TransactionRunner) {}

  /** The club's events in the order they happened, from `since` on (inclusive). */
  async list(clubId: number, since?: Date, limit = 1000): Promise<AuditEventView[]> {
    const events = await this.db.read((manager) =>
      manager.find(AuditEventEntity, {
        where: since ? { clubId, at: MoreThanOrEqual(since) } : { clubId },
        order: { id: 'ASC' },
        take: limit,
      }),
    );

    return events.map((event) => ({
      id: event.id,
      actor: event.actor,
      action: event.action,
      entity: event.entity,
      entity_id: event.entityId,
      at: event.at.toISOString(),
    }));
  }

  async record(manager: EntityManager, entry: AuditEntry, at = new Date()): Promise<void> {
    await RECORD.run(manager, [
      entry.clubId,
      entry.actor,
      entry.action,
      entry.entity,
      entry.entityId,
      at,
    ]);
  }
}
