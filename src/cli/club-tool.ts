#!/usr/bin/env node
import { CommanderError } from 'commander';

import { loadConfig } from '../config/app-config.js';
import { CliOutput } from './cli-output.js';
import { buildProgram } from './cli-program.js';
import type { OpenServices } from './cli-program.js';

const EXIT_USAGE = 2;

// Nest and TypeORM are loaded only once a command runs, so help and usage errors answer at once.
// Nest logs nothing, so that stdout holds only the answer, and hands a failure to the command
// instead of ending the process.
const openServices: OpenServices = async () => {
  const config = loadConfig(process.env);
  await import('reflect-metadata');
  const [{ NestFactory }, { CliModule }, { ClubsService }, { GroupsService }, { AuditLogService }] =
    await Promise.all([
      import('@nestjs/core'),
      import('./cli.module.js'),
      import('../clubs/clubs.service.js'),
      import('../groups/groups.service.js'),
      import('../audit/audit-log.service.js'),
    ]);
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: false,
    abortOnError: false,
  });

  return {
    services: {
      clubs: context.get(ClubsService),
      groups: context.get(GroupsService),
      audit: context.get(AuditLogService),
    },
    close: () => context.close(),
  };
};

const args = process.argv.slice(2);
try {
  await buildProgram(openServices).parseAsync(args, { from: 'user' });
} catch (error) {
  const output = new CliOutput(args.includes('--json'));
  if (!(error instanceof CommanderError)) {
    output.failure(error);
    process.exitCode = 1;
  } else if (error.exitCode !== 0) {
    // Commander has written the message on stderr already; help and --version end here with 0.
    output.usage(error.message.replace(/^error: /, ''));
    process.exitCode = EXIT_USAGE;
  }
}
