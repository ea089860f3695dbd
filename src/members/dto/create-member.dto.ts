import { Transform } from 'class-transformer';
import { IsDefined, IsString, Length } from 'class-validator';

import { MemberFieldsDto, NAME_LENGTH, trim } from './member-fields.dto.js';

export class CreateMemberDto extends MemberFieldsDto {
  @Transform(trim)
  @IsDefined({ message: 'Is verplicht.' })
  @IsString({ message: 'Moet tekst zijn.' })
  @Length(1, 200, NAME_LENGTH)
  name: string;
}
