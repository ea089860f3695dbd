import { Injectable } from '@nestjs/common';
import { In, MoreThan } from 'typeorm';
import type { EntityManager } from 'typeorm';

import { ValidationFailedError } from '../common/errors/domain-error.js';
import { toPage } from '../common/pagination/list-query.js';
import type { Page, PageRequest } from '../common/pagination/list-query.js';
import { isRowId } from '../common/persistence/row-id.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { GroupNotFoundError } from './domain/groups.errors.js';
import { GroupEntity } from './persistence/group.entity.js';

export interface GroupView {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
}

function toView(group: GroupEntity): GroupView {
  return {
    id: group.id,
    name: group.name,
    created_at: group.createdAt.toISOString(),
    updated_at: group.updatedAt.toISOString(),
  };
}

@Injectable()
export class GroupsService {
  constructor(private readonly db: TransactionRunner) {}

  async list(clubId: number, page: PageRequest): Promise<Page<GroupView>> {
    const rows = await this.db.read((manager) =>
      manager.find(GroupEntity, {
        where: { clubId, id: MoreThan(page.startingAfter) },
        order: { id: 'ASC' },
        take: page.limit + 1,
      }),
    );

    return toPage(rows.map(toView), page.limit);
  }

  async get(clubId: number, id: number): Promise<GroupView> {
    const group = await this.db.read((manager) => manager.findOneBy(GroupEntity, { clubId, id }));
    if (!group) {
      throw new GroupNotFoundError(id);
    }

    return toView(group);
  }

  async create(clubId: number, name: string): Promise<GroupView> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) {
      throw new ValidationFailedError([{ field: 'name', message: 'Moet 1 tot 200 tekens zijn.' }]);
    }
    const now = new Date();
    const group = await this.db.transaction((manager) =>
      manager.save(GroupEntity, { clubId, name: trimmed, createdAt: now, updatedAt: now }),
    );

    return toView(group);
  }

  /** The ids among `ids` that are not groups of the club. */
  async missingIds(
    manager: EntityManager,
    clubId: number,
    ids: readonly number[],
  ): Promise<number[]> {
    const storable = ids.filter(isRowId);
    const found = storable.length
      ? await manager.find(GroupEntity, {
          select: { id: true },
          where: { clubId, id: In(storable) },
        })
      : [];
    const existing = new Set(found.map((group) => group.id));

    return ids.filter((id) => !existing.has(id));
  }

  /** Whether the group belongs to the club, read in the caller's transaction. */
  async exists(manager: EntityManager, clubId: number, id: number): Promise<boolean> {
    return isRowId(id) && manager.existsBy(GroupEntity, { clubId, id });
  }
}
