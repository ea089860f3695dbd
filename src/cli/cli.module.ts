import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';

import { AuditModule } from '../audit/audit.module.js';
import { ClubsModule } from '../clubs/clubs.module.js';
import { DatabaseModule } from '../common/persistence/database.module.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupsModule } from '../groups/groups.module.js';

/** What the command-line tool needs: the migrated database, clubs, groups and the audit log. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [DatabaseModule.forRoot(config.database), ClubsModule, GroupsModule, AuditModule],
    };
  }
}
