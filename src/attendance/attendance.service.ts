import { Injectable } from '@nestjs/common';
import { Between, LessThanOrEqual, MoreThan, MoreThanOrEqual } from 'typeorm';
import type { EntityManager, FindOptionsWhere } from 'typeorm';

import { AuditLogService } from '../audit/audit-log.service.js';
import { BadRequestError } from '../common/errors/domain-error.js';
import { toPage } from '../common/pagination/list-query.js';
import type { Page, PageRequest } from '../common/pagination/list-query.js';
import { SqlStatement } from '../common/persistence/sql-statement.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { isPlainObject, validateInput } from '../common/validation/validate-input.js';
import { GroupsService } from '../groups/groups.service.js';
import { BatchRunner } from '../idempotency/batch-runner.js';
import type { BatchResult, ItemResult } from '../idempotency/batch-runner.js';
import type { KeyClaim } from '../idempotency/key-claim.js';
import { MembersService } from '../members/members.service.js';
import type { Actor } from '../members/domain/member.js';
import type {
  AttendanceRecordView,
  RecordFilters,
  UpsertOutcome,
} from './domain/attendance-record.js';
import {
  AttendanceGroupNotFoundError,
  AttendanceMemberNotFoundError,
} from './domain/attendance.errors.js';
import { UpsertAttendanceDto } from './dto/upsert-attendance.dto.js';
import { AttendanceRecordEntity } from './persistence/attendance-record.entity.js';

// One atomic statement: a concurrent upsert of the same record waits on the unique index and
// then updates, so any number of them leave one row. `upserts` is 1 only for the insert.
const UPSERT = new SqlStatement(`
  INSERT INTO attendance_records
    (club_id, member_id, group_id, "date", present, upserts, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, 1, ?, ?)
  ON CONFLICT (member_id, group_id, "date") DO UPDATE SET
    upserts = attendance_records.upserts + 1,
    updated_at = CASE WHEN attendance_records.present = excluded.present
      THEN attendance_records.updated_at ELSE excluded.updated_at END,
    present = excluded.present
  RETURNING id, upserts`);

const CLEAR = new SqlStatement(`
  DELETE FROM attendance_records
  WHERE club_id = ? AND member_id = ? AND group_id = ? AND "date" = ?
  RETURNING id`);

export function toRecordView(record: AttendanceRecordEntity): AttendanceRecordView {
  return {
    id: record.id,
    member_id: record.memberId,
    group_id: record.groupId,
    date: record.date,
    present: record.present,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

@Injectable()
export class AttendanceService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly batches: BatchRunner,
    private readonly members: MembersService,
    private readonly groups: GroupsService,
    private readonly audit: AuditLogService,
  ) {}

  async list(
    clubId: number,
    page: PageRequest,
    filters: RecordFilters,
  ): Promise<Page<AttendanceRecordView>> {
    if (filters.date_from && filters.date_to && filters.date_from > filters.date_to) {
      throw new BadRequestError('date_from ligt na date_to.');
    }
    const where: FindOptionsWhere<AttendanceRecordEntity> = {
      clubId,
      id: MoreThan(page.startingAfter),
    };
    if (filters.member_id !== undefined) {
      where.memberId = filters.member_id;
    }
    if (filters.group_id !== undefined) {
      where.groupId = filters.group_id;
    }
    if (filters.updated_since) {
      where.updatedAt = MoreThanOrEqual(filters.updated_since);
    }
    const dates = dateRange(filters.date_from, filters.date_to);
    if (dates) {
      where.date = dates;
    }
    const records = await this.db.read((manager) =>
      manager.find(AttendanceRecordEntity, { where, order: { id: 'ASC' }, take: page.limit + 1 }),
    );

    return toPage(records.map(toRecordView), page.limit);
  }

  async upsert(actor: Actor, input: UpsertAttendanceDto, claim?: KeyClaim): Promise<UpsertOutcome> {
    return this.batches.runSingle(claim, (manager) => this.apply(manager, actor, input));
  }

  async bulk(actor: Actor, records: readonly unknown[], claim: KeyClaim): Promise<BatchResult> {
    return this.batches.run(claim, records, async (manager, record): Promise<ItemResult> => {
      if (!isPlainObject(record)) {
        throw new BadRequestError('Een record moet een object zijn.');
      }
      const outcome = await this.apply(
        manager,
        actor,
        await validateInput(UpsertAttendanceDto, record),
      );
      if (outcome.kind === 'cleared') {
        return outcome.id === null ? { status: 200 } : { status: 200, id: outcome.id };
      }

      return { status: outcome.kind === 'created' ? 201 : 200, id: outcome.record.id };
    });
  }

  private async apply(
    manager: EntityManager,
    actor: Actor,
    input: UpsertAttendanceDto,
  ): Promise<UpsertOutcome> {
    if (!(await this.members.exists(manager, actor.clubId, input.member_id))) {
      throw new AttendanceMemberNotFoundError(input.member_id);
    }
    if (!(await this.groups.exists(manager, actor.clubId, input.group_id))) {
      throw new AttendanceGroupNotFoundError(input.group_id);
    }
    const key = [actor.clubId, input.member_id, input.group_id, input.date];

    if (input.present === null) {
      const {
        rows: [deleted],
      } = await CLEAR.run<{ id: number }>(manager, key);
      if (deleted) {
        await this.audit.record(manager, auditOf(actor, 'clear', deleted.id));
      }

      return { kind: 'cleared', id: deleted?.id ?? null };
    }

    const now = new Date();
    const {
      rows: [{ id, upserts }],
    } = await UPSERT.run<{ id: number; upserts: number }>(manager, [
      ...key,
      input.present,
      now,
      now,
    ]);
    const record = await manager.findOneByOrFail(AttendanceRecordEntity, { id });
    const kind =
      upserts === 1
        ? 'created'
        : record.updatedAt.getTime() === now.getTime()
          ? 'changed'
          : 'unchanged';
    if (kind !== 'unchanged') {
      await this.audit.record(
        manager,
        auditOf(actor, kind === 'created' ? 'create' : 'update', id),
        now,
      );
    }

    return { kind, record: toRecordView(record) };
  }
}

function dateRange(from: string | undefined, to: string | undefined) {
  if (from && to) {
    return Between(from, to);
  }
  if (from) {
    return MoreThanOrEqual(from);
  }

  return to ? LessThanOrEqual(to) : undefined;
}

function auditOf(actor: Actor, action: 'create' | 'update' | 'clear', entityId: number) {
  return { clubId: actor.clubId, actor: actor.name, action, entity: 'attendance_record', entityId };
}
