import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { RequestDrain } from './common/http/request-drain.js';
import { ServiceLogger } from './common/logging/service-logger.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import type { AppConfig } from './config/app-config.js';
import { SampleClubService } from './sample-club.service.js';
import type { SampleClub } from './sample-club.service.js';

function sampleBanner(sample: SampleClub, baseUrl: string): string {
  const body = JSON.stringify({
    operations: [
      {
        op: 'create',
        data: {
          name: 'Sanne de Vries',
          email: 'sanne@example.nl',
          group_ids: [sample.groupIds[0]],
        },
      },
      { op: 'update', id: 1, data: { status: 'archived' } },
      { op: 'delete', id: 12 },
    ],
  });

  return [
    '',
    'A sample club was created: Voorbeeldclub (slug "voorbeeld") with three groups.',
    'Its API key, with every scope, is shown this once:',
    '',
    `  ${sample.key}`,
    '',
    'Try a bulk request:',
    '',
    `curl -s -X POST ${baseUrl}/api/v1/members/bulk \\`,
    `  -H 'Authorization: Bearer ${sample.key}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Idempotency-Key: first-import-1' \\`,
    `  -d '${body}'`,
    '',
    '',
  ].join('\n');
}

/**
 * On SIGTERM or SIGINT: close the application, which lets the running requests finish and
 * then closes the database, and end with code 0 once nothing is left to run. Past
 * `SHUTDOWN_TIMEOUT_MS`, or on a second signal, exit with code 1 at once.
 */
function stopOnSignals(app: NestExpressApplication, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again while stopping: exiting at once`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`${signal} received: stopping`);
    setTimeout(() => {
      const running = app.get(RequestDrain).running;
      logger.error(
        `Not stopped within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS), ${running} running ${running === 1 ? 'request' : 'requests'} left: exiting with code 1`,
      );
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => logger.log('club-tool-api stopped'),
      (error: unknown) => {
        logger.error('Stopping failed', error instanceof Error ? error.stack : String(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function bootstrap(config: AppConfig): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new ServiceLogger(config.log),
    // A failed start rejects, to be logged below, instead of aborting the process.
    abortOnError: false,
  });
  await configureApp(app, config);

  if (config.database.type === 'sqlite' && config.seedSampleClub) {
    const sample = await app.get(SampleClubService).createIfEmpty();
    if (sample) {
      process.stdout.write(sampleBanner(sample, `http://${config.host}:${config.port}`));
    }
  }

  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`club-tool-api listens on http://${config.host}:${address.port}`);
  stopOnSignals(app, config.shutdownTimeoutMs);
}

let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
await bootstrap(config).catch((error: unknown) => {
  new Logger('Bootstrap').error(
    'club-tool-api could not start',
    error instanceof Error ? error.stack : String(error),
  );
  process.exit(1);
});
