import { Injectable } from '@nestjs/common';
import { In, MoreThan, MoreThanOrEqual } from 'typeorm';
import type { EntityManager, FindOptionsWhere } from 'typeorm';

import { AuditLogService } from '../audit/audit-log.service.js';
import { BadRequestError, ValidationFailedError } from '../common/errors/domain-error.js';
import { toPage } from '../common/pagination/list-query.js';
import type { Page, PageRequest } from '../common/pagination/list-query.js';
import { isRowId } from '../common/persistence/row-id.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { isPlainObject, validateInput } from '../common/validation/validate-input.js';
import { GroupsService } from '../groups/groups.service.js';
import { BatchRunner } from '../idempotency/batch-runner.js';
import type { BatchResult, ItemResult } from '../idempotency/batch-runner.js';
import type { KeyClaim } from '../idempotency/key-claim.js';
import type { Actor, MemberFields, MemberStatus, MemberView } from './domain/member.js';
import { MemberNotFoundError, UnknownGroupsError } from './domain/members.errors.js';
import { CreateMemberDto } from './dto/create-member.dto.js';
import { UpdateMemberDto } from './dto/update-member.dto.js';
import { MemberGroupEntity } from './persistence/member-group.entity.js';
import { MemberEntity } from './persistence/member.entity.js';
import { insertMember } from './persistence/member-writes.js';

export interface MemberFilters {
  status?: MemberStatus;
  group_id?: number;
  updated_since?: Date;
}

const OPERATION_FIELDS: Record<string, string[]> = {
  create: ['op', 'data'],
  update: ['op', 'id', 'data'],
  delete: ['op', 'id'],
};

@Injectable()
export class MembersService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly batches: BatchRunner,
    private readonly groups: GroupsService,
    private readonly audit: AuditLogService,
  ) {}

  async list(clubId: number, page: PageRequest, filters: MemberFilters): Promise<Page<MemberView>> {
    return this.db.read(async (manager) => {
      const where: FindOptionsWhere<MemberEntity> = { clubId, id: MoreThan(page.startingAfter) };
      if (filters.status) {
        where.status = filters.status;
      }
      if (filters.updated_since) {
        where.updatedAt = MoreThanOrEqual(filters.updated_since);
      }
      const query = manager
        .createQueryBuilder(MemberEntity, 'member')
        .where(where)
        .orderBy('member.id', 'ASC')
        .take(page.limit + 1);
      if (filters.group_id !== undefined) {
        query.innerJoin(
          MemberGroupEntity,
          'membership',
          'membership.member_id = member.id AND membership.group_id = :groupId',
          { groupId: filters.group_id },
        );
      }
      const members = await query.getMany();

      return toPage(await this.toViews(manager, members), page.limit);
    });
  }

  async get(clubId: number, id: number): Promise<MemberView> {
    return this.db.read(async (manager) => {
      const [view] = await this.toViews(manager, [await this.load(manager, clubId, id)]);

      return view;
    });
  }

  async create(actor: Actor, data: CreateMemberDto, claim?: KeyClaim): Promise<MemberView> {
    return this.batches.runSingle(claim, (manager) => this.insert(manager, actor, data));
  }

  async update(actor: Actor, id: number, data: UpdateMemberDto, claim?: KeyClaim) {
    return this.batches.runSingle(claim, async (manager) => {
      const member = await this.change(manager, actor, id, data);
      const [view] = await this.toViews(manager, [member]);

      return view;
    });
  }

  async delete(actor: Actor, id: number, claim?: KeyClaim): Promise<void> {
    await this.batches.runSingle(claim, async (manager) => {
      await this.remove(manager, actor, id);

      return null;
    });
  }

  async bulk(actor: Actor, operations: readonly unknown[], claim: KeyClaim): Promise<BatchResult> {
    return this.batches.run(
      claim,
      operations,
      (manager, operation) => this.applyOperation(manager, actor, operation),
      {
        idOfFailed: (operation) =>
          isPlainObject(operation) && typeof operation.id === 'number' ? operation.id : undefined,
      },
    );
  }

  /** Whether the member belongs to the club, read in the caller's transaction. */
  async exists(manager: EntityManager, clubId: number, id: number): Promise<boolean> {
    return isRowId(id) && manager.existsBy(MemberEntity, { clubId, id });
  }

  private async applyOperation(
    manager: EntityManager,
    actor: Actor,
    operation: unknown,
  ): Promise<ItemResult> {
    if (!isPlainObject(operation)) {
      throw new BadRequestError('Een operatie moet een object zijn.');
    }
    const op = operation.op;
    const allowed = typeof op === 'string' ? OPERATION_FIELDS[op] : undefined;
    if (!allowed) {
      throw new BadRequestError('op moet create, update of delete zijn.');
    }
    const unknown = Object.keys(operation).filter((field) => !allowed.includes(field));
    const id = operation.id;
    const errors = [
      ...unknown.map((field) => ({ field, message: 'Dit veld bestaat niet.' })),
      ...(allowed.includes('id') && !(Number.isSafeInteger(id) && (id as number) > 0)
        ? [{ field: 'id', message: 'Moet een positief geheel getal zijn.' }]
        : []),
      ...(allowed.includes('data') && !isPlainObject(operation.data)
        ? [{ field: 'data', message: 'Moet een object zijn.' }]
        : []),
    ];
    if (errors.length > 0) {
      throw new ValidationFailedError(errors);
    }

    switch (op) {
      case 'create': {
        const data = await inData(() => validateInput(CreateMemberDto, operation.data as object));
        const member = await inData(() => this.insert(manager, actor, data));

        return { status: 201, id: member.id };
      }
      case 'update': {
        const data = await inData(() => validateInput(UpdateMemberDto, operation.data as object));
        const member = await inData(() => this.change(manager, actor, id as number, data));

        return { status: 200, id: member.id };
      }
      default:
        await this.remove(manager, actor, id as number);

        return { status: 200, id: id as number };
    }
  }

  // The hot path of a bulk create: prepared statements, and the club's groups checked by the
  // insert of the memberships itself; only a failing item reads which ids were wrong.
  private async insert(
    manager: EntityManager,
    actor: Actor,
    data: CreateMemberDto,
  ): Promise<MemberView> {
    const groupIds = uniqueSorted(data.group_ids ?? []);
    const now = new Date();
    const fields = {
      name: data.name,
      email: data.email ?? null,
      phone: data.phone ?? null,
      date_of_birth: data.date_of_birth ?? null,
      status: data.status ?? 'active',
    };

    // An id beyond any row's must not reach the insert: PostgreSQL would refuse the statement.
    const inserted = groupIds.every(isRowId)
      ? await insertMember(
          manager,
          {
            clubId: actor.clubId,
            name: fields.name,
            email: fields.email,
            phone: fields.phone,
            dateOfBirth: fields.date_of_birth,
            status: fields.status,
            at: now,
          },
          groupIds,
        )
      : undefined;
    if (!inserted || inserted.groupsAdded < groupIds.length) {
      throw new UnknownGroupsError(await this.groups.missingIds(manager, actor.clubId, groupIds));
    }
    const { id } = inserted;
    await this.audit.record(manager, { ...auditOf(actor), action: 'create', entityId: id }, now);

    return {
      id,
      ...fields,
      group_ids: groupIds,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
  }

  private async change(manager: EntityManager, actor: Actor, id: number, data: MemberFields) {
    const member = await this.load(manager, actor.clubId, id);
    const next = {
      name: data.name ?? member.name,
      email: data.email === undefined ? member.email : data.email,
      phone: data.phone === undefined ? member.phone : data.phone,
      dateOfBirth: data.date_of_birth === undefined ? member.dateOfBirth : data.date_of_birth,
      status: data.status ?? member.status,
    };
    const fieldsChanged = (Object.keys(next) as (keyof typeof next)[]).some(
      (field) => next[field] !== member[field],
    );
    const groupsChanged =
      data.group_ids !== undefined && (await this.groupsDiffer(manager, member.id, data.group_ids));

    if (groupsChanged) {
      const groupIds = await this.checkedGroupIds(manager, actor.clubId, data.group_ids!);
      await this.replaceGroups(manager, member.id, groupIds, true);
    }
    if (fieldsChanged || groupsChanged) {
      Object.assign(member, next, { updatedAt: new Date() });
      await manager.save(MemberEntity, member);
      await this.audit.record(manager, { ...auditOf(actor), action: 'update', entityId: id });
    }

    return member;
  }

  private async remove(manager: EntityManager, actor: Actor, id: number): Promise<void> {
    const member = await this.load(manager, actor.clubId, id);
    await manager.delete(MemberGroupEntity, { memberId: member.id });
    await manager.delete(MemberEntity, { id: member.id });
    await this.audit.record(manager, { ...auditOf(actor), action: 'delete', entityId: id });
  }

  private async load(manager: EntityManager, clubId: number, id: number): Promise<MemberEntity> {
    const member = isRowId(id) ? await manager.findOneBy(MemberEntity, { clubId, id }) : null;
    if (!member) {
      throw new MemberNotFoundError(id);
    }

    return member;
  }

  private async checkedGroupIds(manager: EntityManager, clubId: number, ids: number[]) {
    const unique = uniqueSorted(ids);
    const missing = await this.groups.missingIds(manager, clubId, unique);
    if (missing.length > 0) {
      throw new UnknownGroupsError(missing);
    }

    return unique;
  }

  private async groupsDiffer(manager: EntityManager, memberId: number, ids: number[]) {
    const current = await manager.findBy(MemberGroupEntity, { memberId });
    const wanted = new Set(ids);

    return current.length !== wanted.size || current.some((row) => !wanted.has(row.groupId));
  }

  private async replaceGroups(
    manager: EntityManager,
    memberId: number,
    groupIds: number[],
    clearFirst = false,
  ): Promise<void> {
    if (clearFirst) {
      await manager.delete(MemberGroupEntity, { memberId });
    }
    if (groupIds.length > 0) {
      await manager.insert(
        MemberGroupEntity,
        groupIds.map((groupId) => ({ memberId, groupId })),
      );
    }
  }

  private async toViews(manager: EntityManager, members: MemberEntity[]): Promise<MemberView[]> {
    const memberships = members.length
      ? await manager.find(MemberGroupEntity, {
          where: { memberId: In(members.map((m) => m.id)) },
          order: { groupId: 'ASC' },
        })
      : [];
    const groupsOf = new Map<number, number[]>();
    for (const { memberId, groupId } of memberships) {
      groupsOf.set(memberId, [...(groupsOf.get(memberId) ?? []), groupId]);
    }

    return members.map((member) => ({
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
      date_of_birth: member.dateOfBirth,
      status: member.status,
      group_ids: groupsOf.get(member.id) ?? [],
      created_at: member.createdAt.toISOString(),
      updated_at: member.updatedAt.toISOString(),
    }));
  }
}

function uniqueSorted(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

function auditOf(actor: Actor) {
  return { clubId: actor.clubId, actor: actor.name, entity: 'member' };
}

// Field errors of an item's `data` are answered with their path inside the item.
async function inData<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ValidationFailedError ? error.nestedUnder('data') : error;
  }
}
