import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
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

async function bootstrap(config: AppConfig): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
  });
  app.enableShutdownHooks();
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
await bootstrap(config);
