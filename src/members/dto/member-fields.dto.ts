import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';

import { IsCalendarDate, IsNotInFuture } from '../../common/validation/calendar-date.js';
import { MEMBER_STATUSES } from '../domain/member.js';
import type { MemberStatus } from '../domain/member.js';

export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;
export const isGiven = (field: string) => (object: object) =>
  (object as Record<string, unknown>)[field] !== undefined;

/** The member fields every write shares but `name`, which only a create requires. */
export class MemberFieldsDto {
  @IsOptional()
  @IsString({ message: 'Moet tekst of null zijn.' })
  @IsEmail({}, { message: 'Moet een geldig e-mailadres of null zijn.' })
  @MaxLength(254, { message: 'Mag hoogstens 254 tekens zijn.' })
  email?: string | null;

  @IsOptional()
  @IsString({ message: 'Moet tekst of null zijn.' })
  @MaxLength(30, { message: 'Mag hoogstens 30 tekens zijn.' })
  phone?: string | null;

  @IsOptional()
  @IsCalendarDate()
  @IsNotInFuture()
  date_of_birth?: string | null;

  @ValidateIf(isGiven('status'))
  @IsIn(MEMBER_STATUSES, { message: 'Moet active of archived zijn.' })
  status?: MemberStatus;

  @ValidateIf(isGiven('group_ids'))
  @IsArray({ message: 'Moet een lijst van groep-ids zijn.' })
  @ArrayMaxSize(200, { message: 'Hoogstens 200 groepen.' })
  @IsInt({ each: true, message: 'Elke groep-id moet een geheel getal zijn.' })
  @IsPositive({ each: true, message: 'Elke groep-id moet groter dan 0 zijn.' })
  group_ids?: number[];
}

export const NAME_LENGTH = { message: 'Moet 1 tot 200 tekens zijn.' };
