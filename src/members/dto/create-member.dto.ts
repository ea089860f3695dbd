import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Length } from 'class-validator';

import { MemberFieldsDto, NAME_DOC, NAME_LENGTH, trim } from './member-fields.dto.js';

@ApiSchema({ name: 'CreateMember', description: 'A new member. Unknown fields are refused.' })
export class CreateMemberDto extends MemberFieldsDto {
  @ApiProperty(NAME_DOC)
  @Transform(trim)
  @IsDefined({ message: 'Is verplicht.' })
  @IsString({ message: 'Moet tekst zijn.' })
  @Length(1, 200, NAME_LENGTH)
  name: string;
}
