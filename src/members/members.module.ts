import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { MembersController } from './http/members.controller.js';
import { MembersService } from './members.service.js';

@Module({
  imports: [GroupsModule, AuditModule],
  controllers: [MembersController],
  providers: [MembersService],
  exports: [MembersService],
})
export class MembersModule {}
