import { Transform } from 'class-transformer';
import { IsString, Length, ValidateIf } from 'class-validator';

import { MemberFieldsDto, NAME_LENGTH, isGiven, trim } from './member-fields.dto.js';

export class UpdateMemberDto extends MemberFieldsDto {
  @Transform(trim)
  @ValidateIf(isGiven('name'))
  @IsString({ message: 'Moet tekst zijn.' })
  @Length(1, 200, NAME_LENGTH)
  name?: string;
}
