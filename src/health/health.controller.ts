import { Controller, Get } from '@nestjs/common';

import { Public } from '../clubs/http/auth.decorators.js';
import { ServiceUnavailableError } from '../common/errors/domain-error.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';

export const HEALTH_PATHS = ['health', 'api/v1/health'];

@Controller()
export class HealthController {
  constructor(private readonly db: TransactionRunner) {}

  @Get(HEALTH_PATHS)
  @Public()
  async check() {
    try {
      await this.db.read((manager) => manager.query('SELECT 1'));
    } catch {
      throw new ServiceUnavailableError('De database antwoordt niet.');
    }

    return { status: 'ok', database: 'ok' };
  }
}
