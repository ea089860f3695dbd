import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Reflector } from '@nestjs/core';

import { AttendanceModule } from './attendance/attendance.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ClubsModule } from './clubs/clubs.module.js';
import { REQUIRED_SCOPE } from './clubs/http/auth.decorators.js';
import type { AuthenticatedRequest } from './clubs/http/auth.decorators.js';
import { grants } from './clubs/domain/scopes.js';
import type { Scope } from './clubs/domain/scopes.js';
import { RequestDrain } from './common/http/request-drain.js';
import { DatabaseModule } from './common/persistence/database.module.js';
import { APP_CONFIG } from './config/app-config.js';
import type { AppConfig } from './config/app-config.js';
import { GroupsModule } from './groups/groups.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { MembersModule } from './members/members.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { SampleClubService } from './sample-club.service.js';

const reflector = new Reflector();

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ app: config })],
        }),
        DatabaseModule.forRoot(config.database),
        IdempotencyModule.forRoot({
          ...config.idempotency,
          tenantOf: (request) => `club:${(request as AuthenticatedRequest).auth.clubId}`,
          permissionOf: (context) =>
            reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, [
              context.getHandler(),
              context.getClass(),
            ]),
          mayRead: (request, permission) =>
            grants((request as AuthenticatedRequest).auth.scopes, permission as Scope),
        }),
        AuditModule,
        ClubsModule,
        GroupsModule,
        MembersModule,
        AttendanceModule,
        HealthModule,
        RateLimitModule.forRoot(
          config.rateLimit,
          config.database.type === 'postgres',
          (request) => (request as Partial<AuthenticatedRequest>).auth?.prefix,
        ),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, SampleClubService, RequestDrain],
    };
  }
}
