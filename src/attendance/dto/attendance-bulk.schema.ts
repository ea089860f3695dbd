import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { MAX_BATCH_ITEMS } from '../../idempotency/domain/batch-envelope.js';
import { UpsertAttendanceDto } from './upsert-attendance.dto.js';

// The bulk body is read item by item by the service, not by the validation pipe: this class
// only describes it.
@ApiSchema({ name: 'AttendanceBulkRequest' })
export class AttendanceBulkRequestSchema {
  @ApiProperty({
    type: [UpsertAttendanceDto],
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    description:
      'Upserted one after another, in array order, each in its own transaction; ' +
      'for one record the last item wins. `present: null` clears a record.',
  })
  records: unknown[];
}
