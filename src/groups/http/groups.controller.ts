import { Controller, Get, Param, Query } from '@nestjs/common';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import { pathId } from '../../common/http/path-id.js';
import { readListQuery } from '../../common/pagination/list-query.js';
import { GroupsService } from '../groups.service.js';

@Controller('groups')
@RequireScope('groups:read')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page } = readListQuery(query, {});

    return this.groups.list(auth.clubId, page);
  }

  @Get(':id')
  show(@CurrentKey() auth: AuthenticatedKey, @Param('id') id: string) {
    return this.groups.get(auth.clubId, pathId(id));
  }
}
