import { Body, Controller, Get, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';

import type { AuthenticatedKey } from '../../clubs/clubs.service.js';
import { CurrentKey, RequireScope } from '../../clubs/http/auth.decorators.js';
import { ApiPage } from '../../common/openapi/page-responses.js';
import { ApiProblems } from '../../common/openapi/problem-responses.js';
import {
  calendarDate,
  instant,
  rowIdFilter,
  readListQuery,
} from '../../common/pagination/list-query.js';
import { readBatch } from '../../idempotency/domain/batch-envelope.js';
import { BATCH_RULES, BatchResultSchema } from '../../idempotency/http/batch-result.schema.js';
import { ClaimedKey, Idempotent } from '../../idempotency/idempotent.decorator.js';
import type { KeyClaim } from '../../idempotency/key-claim.js';
import { AttendanceService } from '../attendance.service.js';
import { AttendanceBulkRequestSchema } from '../dto/attendance-bulk.schema.js';
import { AttendanceRecordSchema } from '../dto/attendance-record.schema.js';
import { UpsertAttendanceDto } from '../dto/upsert-attendance.dto.js';

const LIST_FILTERS = {
  member_id: rowIdFilter,
  group_id: rowIdFilter,
  date_from: calendarDate,
  date_to: calendarDate,
  updated_since: instant,
};

const actorOf = (auth: AuthenticatedKey) => ({ clubId: auth.clubId, name: `api:${auth.prefix}` });

const BULK_ITEMS = [
  'Each item is a record as for `PUT /attendance`; `"present": null` clears it. Several items ' +
    'may name one record: they apply in array order, and the last one wins.',
  'An item answers 201 (created), 200 (changed, already so, or cleared), 400 ' +
    '`validation_failed` (with `errors` such as `present`), 400 `bad_request` (not an object) ' +
    "or 404 `not_found` (no such member or group). Its `id` is the record's, absent when " +
    'nothing existed or the item failed.',
].join('\n\n');

const RECORD_ANSWERS = { type: AttendanceRecordSchema };

@ApiTags('Attendance')
@Controller('attendance')
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Get()
  @RequireScope('attendance:read')
  @ApiOperation({ summary: 'List attendance records' })
  @ApiPage(AttendanceRecordSchema, LIST_FILTERS, {
    member_id: 'Only records of this member.',
    group_id: 'Only records of this group.',
    date_from: 'Only records on or after this date.',
    date_to: 'Only records on or before this date.',
    updated_since:
      'Only records changed at or after this moment (inclusive): pass the start time of the ' +
      'previous sync.',
  })
  list(@CurrentKey() auth: AuthenticatedKey, @Query() query: Record<string, unknown>) {
    const { page, filters } = readListQuery(query, LIST_FILTERS);

    return this.attendance.list(auth.clubId, page, filters);
  }

  /** 201 created, 200 changed or already so, 204 cleared by `present: null`. */
  @Put()
  @RequireScope('attendance:write')
  @Idempotent()
  @ApiOperation({
    summary: 'Write one attendance record',
    description:
      'One atomic upsert of the record of (`member_id`, `group_id`, `date`); ' +
      '`"present": null` clears it, and clearing one that does not exist is no error.',
  })
  @ApiCreatedResponse({ ...RECORD_ANSWERS, description: 'The record was created.' })
  @ApiOkResponse({ ...RECORD_ANSWERS, description: 'The record changed, or was already so.' })
  @ApiNoContentResponse({ description: 'The record was cleared, or did not exist.' })
  @ApiProblems('validation_failed', 'not_found', 'payload_too_large')
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
  @ApiOperation({
    summary: 'Write attendance records in one batch',
    description: `${BULK_ITEMS}\n\n${BATCH_RULES}`,
  })
  @ApiBody({ type: AttendanceBulkRequestSchema })
  @ApiOkResponse({ type: BatchResultSchema, description: 'The batch ran: one result per item.' })
  @ApiProblems('validation_failed', 'payload_too_large')
  bulk(@CurrentKey() auth: AuthenticatedKey, @Body() body: unknown, @ClaimedKey() claim: KeyClaim) {
    return this.attendance.bulk(actorOf(auth), readBatch(body, 'records'), claim);
  }
}
