import { Controller, Get } from '@nestjs/common';

import type { AuthenticatedKey } from '../clubs.service.js';
import { CurrentKey } from './auth.decorators.js';

@Controller('club')
export class ClubController {
  @Get()
  show(@CurrentKey() auth: AuthenticatedKey) {
    return {
      id: auth.club.id,
      name: auth.club.name,
      slug: auth.club.slug,
      key: { label: auth.label, prefix: auth.prefix, scopes: auth.scopes },
    };
  }
}
