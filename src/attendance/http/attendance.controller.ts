import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import {
  calendarDate,
  instant,
  positiveId,
  readListQuery,
} from '../../common/pagination/list-query.js';
import { readBatch } from '../../idempotency/domain/batch-envelope.js';
import { ClaimedKey, Idempotent } from '../../idempotency/idempotent.decorator.js';
import type { KeyClaim } from '../../idempotency/key-claim.js';
import { AttendanceService } from '../attendance.service.js';
import { UpsertAttendanceDto } from '../dto/upsert-attendance.dto.js';

const LIST_FILTERS = {
  member_id: positiveId,
  group_id: positiveId,
  date_from: calendarDate,
  date_to: calendarDate,
  updated_since: instant,
};

const actorOf = (auth: AuthenticatedKey) => ({ clubId: auth.clubId, name: `api:${auth.prefix}` });

@Controller('attendance')
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Get()
  @RequireScope('attendance:read')
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page, filters } = readListQuery(query, LIST_FILTERS);

    return this.attendance.list(auth.clubId, page, filters);
  }

  /** 201 created, 200 changed or already so, 204 cleared by `present: null`. */
  @Put()
  @RequireScope('attendance:write')
  @Idempotent()
  async upsert(
    @CurrentKey() auth: AuthenticatedKey,
    @Body() body: UpsertAttendanceDto,
    @ClaimedKey() claim: KeyClaim | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.attendance.upsert(actorOf(auth), body, claim);
    if (outcome.kind === 'cleared') {
      response.status(204);

      return undefined;
    }
    response.status(outcome.kind === 'created' ? 201 : 200);

    return outcome.record;
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScope('attendance:write')
  @Idempotent({ required: true })
  bulk(@CurrentKey() auth: AuthenticatedKey, @Body() body: unknown, @ClaimedKey() claim: KeyClaim) {
    return this.attendance.bulk(actorOf(auth), readBatch(body, 'records'), claim);
  }
}
