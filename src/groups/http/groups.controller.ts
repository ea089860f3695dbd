import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import { pathId } from '../../common/http/path-id.js';
import { ApiPage } from '../../common/openapi/page-responses.js';
import { ApiProblems } from '../../common/openapi/problem-responses.js';
import { readListQuery } from '../../common/pagination/list-query.js';
import { GroupNotFoundError } from '../domain/groups.errors.js';
import { GroupSchema } from '../dto/group.schema.js';
import { GroupsService } from '../groups.service.js';

@ApiTags('Groups')
@Controller('groups')
@RequireScope('groups:read')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOperation({ summary: 'List groups' })
  @ApiPage(GroupSchema, {}, {})
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page } = readListQuery(query, {});

    return this.groups.list(auth.clubId, page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a group' })
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: GroupSchema, description: 'The group.' })
  @ApiProblems('not_found')
  show(@CurrentKey() auth: AuthenticatedKey, @Param('id') id: string) {
    return this.groups.get(
      auth.clubId,
      pathId(id, (asked) => new GroupNotFoundError(asked)),
    );
  }
}
