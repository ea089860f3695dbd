import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { AuthenticatedKey } from '../clubs.service.js';
import { CurrentKey } from './auth.decorators.js';
import { ClubSchema } from './club.schema.js';

@ApiTags('Club')
@Controller('club')
export class ClubController {
  @Get()
  @ApiOperation({ summary: 'The club and the calling key', description: 'Any valid key.' })
  @ApiOkResponse({ type: ClubSchema, description: 'The club and the key.' })
  show(@CurrentKey() auth: AuthenticatedKey) {
    return {
      id: auth.club.id,
      name: auth.club.name,
      slug: auth.club.slug,
      key: { label: auth.label, prefix: auth.prefix, scopes: auth.scopes },
    };
  }
}
