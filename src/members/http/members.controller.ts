import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import { pathId } from '../../common/http/path-id.js';
import { instant, oneOf, positiveId, readListQuery } from '../../common/pagination/list-query.js';
import { readBatch } from '../../idempotency/domain/batch-envelope.js';
import { ClaimedKey, Idempotent } from '../../idempotency/idempotent.decorator.js';
import type { KeyClaim } from '../../idempotency/key-claim.js';
import { MEMBER_STATUSES } from '../domain/member.js';
import type { Actor } from '../domain/member.js';
import { MemberNotFoundError } from '../domain/members.errors.js';
import { CreateMemberDto } from '../dto/create-member.dto.js';
import { UpdateMemberDto } from '../dto/update-member.dto.js';
import { MembersService } from '../members.service.js';

const LIST_FILTERS = {
  status: oneOf(MEMBER_STATUSES),
  group_id: positiveId,
  updated_since: instant,
};

// A path id that is not a positive integer names no member; the detail repeats what was asked
// rather than the 0 that `pathId` makes of it.
function memberIdOf(raw: string): number {
  const id = pathId(raw);
  if (id === 0) {
    throw new MemberNotFoundError(raw);
  }

  return id;
}

function actorOf(auth: AuthenticatedKey): Actor {
  return { clubId: auth.clubId, name: `api:${auth.prefix}` };
}

@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequireScope('members:read')
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page, filters } = readListQuery(query, LIST_FILTERS);

    return this.members.list(auth.clubId, page, filters);
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScope('members:write')
  @Idempotent({ required: true })
  bulk(@CurrentKey() auth: AuthenticatedKey, @Body() body: unknown, @ClaimedKey() claim: KeyClaim) {
    return this.members.bulk(actorOf(auth), readBatch(body, 'operations'), claim);
  }

  @Get(':id')
  @RequireScope('members:read')
  show(@CurrentKey() auth: AuthenticatedKey, @Param('id') id: string) {
    return this.members.get(auth.clubId, memberIdOf(id));
  }

  @Post()
  @RequireScope('members:write')
  @Idempotent()
  async create(
    @CurrentKey() auth: AuthenticatedKey,
    @Body() body: CreateMemberDto,
    @ClaimedKey() claim: KeyClaim | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const member = await this.members.create(actorOf(auth), body, claim);
    response.location(`/api/v1/members/${member.id}`);

    return member;
  }

  @Patch(':id')
  @RequireScope('members:write')
  @Idempotent()
  update(
    @CurrentKey() auth: AuthenticatedKey,
    @Param('id') id: string,
    @Body() body: UpdateMemberDto,
    @ClaimedKey() claim: KeyClaim | undefined,
  ) {
    return this.members.update(actorOf(auth), memberIdOf(id), body, claim);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('members:write')
  @Idempotent()
  async remove(
    @CurrentKey() auth: AuthenticatedKey,
    @Param('id') id: string,
    @ClaimedKey() claim: KeyClaim | undefined,
  ): Promise<void> {
    await this.members.delete(actorOf(auth), memberIdOf(id), claim);
  }
}
