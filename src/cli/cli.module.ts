import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';

import { ClubsModule } from '../clubs/clubs.module.js';
import { DatabaseModule } from '../common/persistence/database.module.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupsModule } from '../groups/groups.module.js';

/** What the command-line tool needs: the migrated database and the clubs and groups services. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [DatabaseModule.forRoot(config.database), ClubsModule, GroupsModule],
    };
  }
}
