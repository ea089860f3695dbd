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
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import { pathId } from '../../common/http/path-id.js';
import { ApiPage } from '../../common/openapi/page-responses.js';
import { ApiProblems } from '../../common/openapi/problem-responses.js';
import { instant, oneOf, readListQuery, rowIdFilter } from '../../common/pagination/list-query.js';
import { readBatch } from '../../idempotency/domain/batch-envelope.js';
import { BATCH_RULES, BatchResultSchema } from '../../idempotency/http/batch-result.schema.js';
import { ClaimedKey, Idempotent } from '../../idempotency/idempotent.decorator.js';
import type { KeyClaim } from '../../idempotency/key-claim.js';
import { MEMBER_STATUSES } from '../domain/member.js';
import type { Actor } from '../domain/member.js';
import { MemberNotFoundError } from '../domain/members.errors.js';
import { CreateMemberDto } from '../dto/create-member.dto.js';
import { MemberBulkRequestSchema } from '../dto/member-bulk.schema.js';
import { MemberSchema } from '../dto/member.schema.js';
import { UpdateMemberDto } from '../dto/update-member.dto.js';
import { MembersService } from '../members.service.js';

const LIST_FILTERS = {
  status: oneOf(MEMBER_STATUSES),
  group_id: rowIdFilter,
  updated_since: instant,
};

function memberIdOf(raw: string): number {
  return pathId(raw, (asked) => new MemberNotFoundError(asked));
}

function actorOf(auth: AuthenticatedKey): Actor {
  return { clubId: auth.clubId, name: `api:${auth.prefix}` };
}

const MEMBER_ID = { name: 'id', schema: { type: 'integer', minimum: 1 } } as const;

const BULK_ITEMS = [
  'Each item is `{"op": "create", "data": {...}}`, `{"op": "update", "id": N, "data": {...}}` ' +
    'or `{"op": "delete", "id": N}`. Several items may touch one member: each sees what the ' +
    'items before it left.',
  'An item answers 201 (created), 200 (updated or deleted), 400 `bad_request` (not an object, ' +
    'or an unknown `op`), 400 `validation_failed` (with `errors` such as `data.email`) or 404 ' +
    "`not_found`. Its `id` is the member's, absent on a failed create.",
].join('\n\n');

@ApiTags('Members')
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequireScope('members:read')
  @ApiOperation({ summary: 'List members' })
  @ApiPage(MemberSchema, LIST_FILTERS, {
    status: 'Only members with this status.',
    group_id: 'Only members of this group.',
    updated_since:
      'Only members changed at or after this moment (inclusive): pass the start time of the ' +
      'previous sync.',
  })
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page, filters } = readListQuery(query, LIST_FILTERS);

    return this.members.list(auth.clubId, page, filters);
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScope('members:write')
  @Idempotent({ required: true })
  @ApiOperation({
    summary: 'Create, update and delete members in one batch',
    description: `${BULK_ITEMS}\n\n${BATCH_RULES}`,
  })
  @ApiBody({ type: MemberBulkRequestSchema })
  @ApiOkResponse({ type: BatchResultSchema, description: 'The batch ran: one result per item.' })
  @ApiProblems('validation_failed', 'payload_too_large')
  bulk(@CurrentKey() auth: AuthenticatedKey, @Body() body: unknown, @ClaimedKey() claim: KeyClaim) {
    return this.members.bulk(actorOf(auth), readBatch(body, 'operations'), claim);
  }

  @Get(':id')
  @RequireScope('members:read')
  @ApiOperation({ summary: 'Get a member' })
  @ApiParam(MEMBER_ID)
  @ApiOkResponse({ type: MemberSchema, description: 'The member.' })
  @ApiProblems('not_found')
  show(@CurrentKey() auth: AuthenticatedKey, @Param('id') id: string) {
    return this.members.get(auth.clubId, memberIdOf(id));
  }

  @Post()
  @RequireScope('members:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create a member' })
  @ApiCreatedResponse({
    type: MemberSchema,
    description: 'The member was created.',
    headers: {
      Location: { description: 'The URL of the new member.', schema: { type: 'string' } },
    },
  })
  @ApiProblems('validation_failed', 'payload_too_large')
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
  @ApiOperation({
    summary: 'Change a member',
    description: 'Only the fields given change; `group_ids` replaces the whole set.',
  })
  @ApiParam(MEMBER_ID)
  @ApiOkResponse({ type: MemberSchema, description: 'The member, as it is now.' })
  @ApiProblems('validation_failed', 'not_found', 'payload_too_large')
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
  @ApiOperation({ summary: 'Delete a member', description: 'Deletes its attendance too.' })
  @ApiParam(MEMBER_ID)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('not_found')
  async remove(
    @CurrentKey() auth: AuthenticatedKey,
    @Param('id') id: string,
    @ClaimedKey() claim: KeyClaim | undefined,
  ): Promise<void> {
    await this.members.delete(actorOf(auth), memberIdOf(id), claim);
  }
}
