import { ConsoleLogger } from '@nestjs/common';
import type { LogLevel } from '@nestjs/common';

import type { LogConfig } from '../../config/app-config.js';
import { RequestContext } from './request-context.js';

const LEVELS: Record<LogConfig['level'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

interface JsonLineOptions {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
  params?: Record<string, unknown>;
  error?: Error;
}

/**
 * Nest's console logger, set up from the configuration: one JSON object per line (or Nest's
 * text lines for people), and on every line written while serving a request its `requestId`,
 * `clubId` and `idempotencyKey`, where known. Plain objects after the message become fields
 * of the line.
 *
 * @example
 * NestFactory.create(AppModule.forRoot(config), { logger: new ServiceLogger(config.log) });
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(config: LogConfig) {
    super({
      json: config.format === 'json',
      logLevels: LEVELS[config.level],
      flattenParams: true,
      prefix: 'club-tool-api',
    });
  }

  protected override getJsonLogObject(message: unknown, options: JsonLineOptions) {
    const line = super.getJsonLogObject(message, options);
    const request = RequestContext.current();

    return request ? { ...line, ...request } : line;
  }

  protected override formatContext(context: string): string {
    const request = RequestContext.current();
    if (!request) {
      return super.formatContext(context);
    }
    const ids = [`request ${request.requestId}`];
    if (request.clubId !== undefined) {
      ids.push(`club ${request.clubId}`);
    }
    if (request.idempotencyKey !== undefined) {
      ids.push(`key ${request.idempotencyKey}`);
    }

    return `${super.formatContext(context)}(${ids.join(', ')}) `;
  }
}
