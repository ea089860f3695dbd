import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import type { AttendanceRecordView } from '../domain/attendance-record.js';

@ApiSchema({ name: 'AttendanceRecord' })
export class AttendanceRecordSchema implements AttendanceRecordView {
  @ApiProperty({ type: 'integer', example: 42 })
  id: number;

  @ApiProperty({ type: 'integer', example: 137 })
  member_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  group_id: number;

  @ApiProperty({ format: 'date', example: '2026-07-02' })
  date: string;

  @ApiProperty()
  present: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  updated_at: string;
}
