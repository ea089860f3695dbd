import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, ValidateIf } from 'class-validator';

import { MemberFieldsDto, NAME_DOC, NAME_LENGTH, isGiven, trim } from './member-fields.dto.js';

@ApiSchema({
  name: 'UpdateMember',
  description: 'Only the fields given change; null clears a field. Unknown fields are refused.',
})
export class UpdateMemberDto extends MemberFieldsDto {
  @ApiPropertyOptional(NAME_DOC)
  @Transform(trim)
  @ValidateIf(isGiven('name'))
  @IsString({ message: 'Moet tekst zijn.' })
  @Length(1, 200, NAME_LENGTH)
  name?: string;
}
