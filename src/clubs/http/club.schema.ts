import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { SCOPES } from '../domain/scopes.js';
import type { Scope } from '../domain/scopes.js';

@ApiSchema({ name: 'ApiKey', description: 'The key that made the request; never the key itself.' })
export class ApiKeySchema {
  @ApiProperty({ example: 'kiosk' })
  label: string;

  @ApiProperty({ description: 'The first 12 characters of the key.', example: 'ct_live_AbCd' })
  prefix: string;

  @ApiProperty({ enum: [...SCOPES], isArray: true, example: ['attendance:write'] })
  scopes: Scope[];
}

@ApiSchema({ name: 'Club' })
export class ClubSchema {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'HC De Uil' })
  name: string;

  @ApiProperty({ example: 'de-uil' })
  slug: string;

  @ApiProperty({ type: ApiKeySchema })
  key: ApiKeySchema;
}
