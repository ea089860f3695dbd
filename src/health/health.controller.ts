import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../clubs/http/auth.decorators.js';
import { ServiceUnavailableError } from '../common/errors/domain-error.js';
import { ApiProblems } from '../common/openapi/problem-responses.js';

export const HEALTH_PATHS = ['health', 'api/v1/health'];

@ApiTags('Health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /** 200 while the database answers within a second, 503 otherwise. */
  @Get(HEALTH_PATHS)
  @Public()
  @ApiOperation({ summary: 'Whether the service and its database answer' })
  // Above `@HealthCheck()`, so that its 503 is documented as the problem document it is.
  @ApiProblems('service_unavailable')
  @HealthCheck()
  async check() {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1000 }),
      ]);
    } catch {
      throw new ServiceUnavailableError('De database antwoordt niet.');
    }
  }
}
