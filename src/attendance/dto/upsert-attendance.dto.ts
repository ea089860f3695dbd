import { IsBoolean, IsDefined, IsInt, IsPositive, ValidateIf } from 'class-validator';

import { IsCalendarDate } from '../../common/validation/calendar-date.js';

/** One attendance record to upsert; `present: null` clears it, a missing `present` is invalid. */
export class UpsertAttendanceDto {
  @IsDefined({ message: 'Is verplicht.' })
  @IsInt({ message: 'Moet een geheel getal zijn.' })
  @IsPositive({ message: 'Moet groter dan 0 zijn.' })
  member_id: number;

  @IsDefined({ message: 'Is verplicht.' })
  @IsInt({ message: 'Moet een geheel getal zijn.' })
  @IsPositive({ message: 'Moet groter dan 0 zijn.' })
  group_id: number;

  @IsDefined({ message: 'Is verplicht.' })
  @IsCalendarDate()
  date: string;

  @ValidateIf((record: UpsertAttendanceDto) => record.present !== null)
  @IsDefined({ message: 'Is verplicht: true, false, of null om te wissen.' })
  @IsBoolean({ message: 'Moet true, false of null zijn.' })
  present: boolean | null;
}
