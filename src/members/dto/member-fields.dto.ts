import { ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiPropertyOptional({
    type: 'string',
    format: 'email',
    maxLength: 254,
    nullable: true,
    description: 'A valid address, or null to clear it.',
    example: 'sanne@example.nl',
  })
  @IsOptional()
  @IsString({ message: 'Moet tekst of null zijn.' })
  @IsEmail({}, { message: 'Moet een geldig e-mailadres of null zijn.' })
  @MaxLength(254, { message: 'Mag hoogstens 254 tekens zijn.' })
  email?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    maxLength: 30,
    nullable: true,
    description: 'Up to 30 characters, or null to clear it.',
    example: '06 12345678',
  })
  @IsOptional()
  @IsString({ message: 'Moet tekst of null zijn.' })
  @MaxLength(30, { message: 'Mag hoogstens 30 tekens zijn.' })
  phone?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    nullable: true,
    description: 'A real date, not after today (UTC), or null to clear it.',
    example: '2012-03-14',
  })
  @IsOptional()
  @IsCalendarDate()
  @IsNotInFuture()
  date_of_birth?: string | null;

  @ApiPropertyOptional({
    enum: [...MEMBER_STATUSES],
    description: 'A new member is `active` unless told otherwise.',
  })
  @ValidateIf(isGiven('status'))
  @IsIn(MEMBER_STATUSES, { message: 'Moet active of archived zijn.' })
  status?: MemberStatus;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: 1 },
    maxItems: 200,
    description:
      "Ids of the club's groups. Replaces the member's whole set of groups; duplicates collapse.",
    example: [1],
  })
  @ValidateIf(isGiven('group_ids'))
  @IsArray({ message: 'Moet een lijst van groep-ids zijn.' })
  @ArrayMaxSize(200, { message: 'Hoogstens 200 groepen.' })
  @IsInt({ each: true, message: 'Elke groep-id moet een geheel getal zijn.' })
  @IsPositive({ each: true, message: 'Elke groep-id moet groter dan 0 zijn.' })
  group_ids?: number[];
}

export const NAME_LENGTH = { message: 'Moet 1 tot 200 tekens zijn.' };
export const NAME_DOC = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description: 'Trimmed, then 1 to 200 characters.',
  example: 'Sanne de Vries',
} as const;
