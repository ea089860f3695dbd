import { Module } from '@nestjs/common';

import { GroupsService } from './groups.service.js';
import { GroupsController } from './http/groups.controller.js';

@Module({
  controllers: [GroupsController],
  providers: [GroupsService],
  exports: [GroupsService],
})
export class GroupsModule {}
