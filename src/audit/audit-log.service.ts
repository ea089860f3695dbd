import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { AuditEventEntity } from './persistence/audit-event.entity.js';

export interface AuditEntry {
  clubId: number;
  actor: string;
  action: 'create' | 'update' | 'delete' | 'clear';
  entity: string;
  entityId: number;
}

/** The club's audit log: who wrote what, written in the same transaction as the write. */
@Injectable()
export class AuditLogService {
  async record(manager: EntityManager, entry: AuditEntry, at = new Date()): Promise<void> {
    await manager.insert(AuditEventEntity, { ...entry, at });
  }
}
