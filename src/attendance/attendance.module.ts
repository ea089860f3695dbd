import { Module } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { MembersModule } from '../members/members.module.js';
import { AttendanceService } from './attendance.service.js';
import { AttendanceController } from './http/attendance.controller.js';

@Module({
  imports: [MembersModule, GroupsModule, AuditModule],
  controllers: [AttendanceController],
  providers: [AttendanceService],
})
export class AttendanceModule {}
