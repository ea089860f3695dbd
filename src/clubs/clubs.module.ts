import { Module } from '@nestjs/common';

import { ClubsService } from './clubs.service.js';
import { ApiKeyGuard } from './http/api-key.guard.js';
import { ClubController } from './http/club.controller.js';

@Module({
  controllers: [ClubController],
  providers: [ClubsService, ApiKeyGuard],
  exports: [ClubsService, ApiKeyGuard],
})
export class ClubsModule {}
