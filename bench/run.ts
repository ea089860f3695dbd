import { writeFileSync } from 'node:fs';
import os from 'node:os';

import { assertTestDatabaseName } from '../test/support/test-database.js';
import { describeMachine, describeSoftware } from './machine.js';
import { formatNumber, say } from './print.js';
import { POSTGRES_SKIPPED, renderReport } from './report.js';
import { loadSettings, SettingsError } from './settings.js';
import { runSuite } from './suite.js';
import type { SuiteResult } from './suite.js';

/**
 * `npm run bench`: every figure on SQLite, then on PostgreSQL when DATABASE_URL names a test
 * database to create throw-away databases from, and BENCHMARKS.md from the results.
 */
async function main(): Promise<void> {
  const settings = loadSettings(process.env);
  // Refused before the SQLite half runs, not after it.
  if (settings.postgresUrl) {
    assertTestDatabaseName(new URL(settings.postgresUrl).pathname.slice(1));
  }
  const startedAt = new Date();
  const loadStart = os.loadavg();
  say(
    `Bench: ${settings.runs} run(s)${settings.quick ? ', QUICK sizes (smoke run)' : ''}, ` +
      `${formatNumber(settings.largeKeys)} keys, ${settings.connections} connections`,
  );

  const suites: SuiteResult[] = [await runSuite('sqlite', settings)];
  const skipped: string[] = [];
  if (settings.postgresUrl) {
    suites.push(await runSuite('postgres', settings));
  } else {
    say(POSTGRES_SKIPPED);
    skipped.push(POSTGRES_SKIPPED);
  }

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const report = renderReport({
    settings,
    machine: describeMachine(),
    software: describeSoftware(),
    startedAt,
    seconds,
    loadAverage: { start: loadStart, end: os.loadavg() },
    suites,
    skipped,
  });
  writeFileSync(settings.outputPath, report);
  say(`Wrote ${settings.outputPath} after ${formatNumber(seconds)} s`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    error instanceof SettingsError
      ? `${error.message}\n`
      : `Bench failed: ${(error as Error)?.stack ?? String(error)}\n`,
  );
  process.exitCode = 1;
}
