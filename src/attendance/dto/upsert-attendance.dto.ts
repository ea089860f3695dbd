import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsInt, IsPositive, ValidateIf } from 'class-validator';

import { IsCalendarDate } from '../../common/validation/calendar-date.js';

/** One attendance record to upsert; `present: null` clears it, a missing `present` is invalid. */
@ApiSchema({
  name: 'AttendanceUpsert',
  description:
    'An attendance record to write, named by member, group and date. Unknown fields are refused.',
})
export class UpsertAttendanceDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: "One of the club's members." })
  @IsDefined({ message: 'Is verplicht.' })
  @IsInt({ message: 'Moet een geheel getal zijn.' })
  @IsPositive({ message: 'Moet groter dan 0 zijn.' })
  member_id: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: "Any of the club's groups." })
  @IsDefined({ message: 'Is verplicht.' })
  @IsInt({ message: 'Moet een geheel getal zijn.' })
  @IsPositive({ message: 'Moet groter dan 0 zijn.' })
  group_id: number;

  @ApiProperty({ type: 'string', format: 'date', example: '2026-07-02' })
  @IsDefined({ message: 'Is verplicht.' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({
    type: 'boolean',
    nullable: true,
    description: 'true or false; null clears the record. Required: only an explicit null clears.',
  })
  @ValidateIf((record: UpsertAttendanceDto) => record.present !== null)
  @IsDefined({ message: 'Is verplicht: true, false, of null om te wissen.' })
  @IsBoolean({ message: 'Moet true, false of null zijn.' })
  present: boolean | null;
}
