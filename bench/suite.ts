import { loadConfig } from '../src/config/app-config.js';
import { createBenchDatabase } from './database.js';
import type { BenchDatabase, DatabaseKind } from './database.js';
import { measureFloor } from './figures/floor.js';
import type { FloorResult } from './figures/floor.js';
import { measureGrowth } from './figures/growth.js';
import type { GrowthResult } from './figures/growth.js';
import { measureBulk, measureReplay, measureSingles } from './figures/http.js';
import type { Anomalies, BulkResult, ReplayResult } from './figures/http.js';
import { measureMemory } from './figures/memory.js';
import type { MemoryResult } from './figures/memory.js';
import { describeDatabase } from './machine.js';
import { formatNumber, say } from './print.js';
import { SERVICE_ENV, withService } from './service.js';
import type { BenchSettings } from './settings.js';

/** Figures 1 to 4 of one run: each comparison's two sides come from the same run. */
export interface ThroughputRun {
  floor: FloorResult;
  bulk: BulkResult;
  singleItemsPerSecond: number;
  replay: ReplayResult;
}

export interface SuiteResult {
  kind: DatabaseKind;
  database: Record<string, string>;
  service: Record<string, string>;
  floorStreams: number;
  throughput: ThroughputRun[];
  growth: GrowthResult | undefined;
  memory: MemoryResult[];
  anomalies: Anomalies;
  seconds: number;
}

/** Every figure on one kind of database, each run on fresh databases and service processes. */
export async function runSuite(kind: DatabaseKind, settings: BenchSettings): Promise<SuiteResult> {
  const started = performance.now();
  const step = (run: number, runs: number, what: string) =>
    say(`[${kind}] ${clock(started)} run ${run}/${runs}: ${what}`);
  const result = emptyResult(kind, settings);
  const { anomalies, floorStreams } = result;

  for (let run = 1; run <= settings.runs; run++) {
    step(run, settings.runs, 'floor, bulk, single, replay');
    result.throughput.push(await throughputRun(kind, settings, floorStreams, result, anomalies));
  }
  result.growth = await measureGrowth(kind, settings, anomalies, step);
  printGrowth(result.growth);
  for (let run = 1; run <= settings.heavyRuns; run++) {
    const batches = formatNumber(settings.memoryCheckpoints[1]);
    step(run, settings.heavyRuns, `memory over ${batches} batches`);
    result.memory.push(
      await onFreshDatabase(kind, settings, (db) => measureMemory(db, settings, anomalies)),
    );
    printMemory(result.memory.at(-1)!);
  }

  say(`[${kind}] ${clock(started)} done`);
  result.seconds = (performance.now() - started) / 1000;

  return result;
}

function emptyResult(kind: DatabaseKind, settings: BenchSettings): SuiteResult {
  return {
    kind,
    database: {},
    service: serviceSettings(kind, settings),
    floorStreams: kind === 'sqlite' ? 1 : settings.connections,
    throughput: [],
    growth: undefined,
    memory: [],
    anomalies: [],
    seconds: 0,
  };
}

async function onFreshDatabase<T>(
  kind: DatabaseKind,
  settings: BenchSettings,
  work: (database: BenchDatabase) => Promise<T>,
): Promise<T> {
  const database = await createBenchDatabase(kind, settings.postgresUrl);
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
}

async function throughputRun(
  kind: DatabaseKind,
  settings: BenchSettings,
  streams: number,
  result: SuiteResult,
  anomalies: Anomalies,
): Promise<ThroughputRun> {
  const floor = await onFreshDatabase(kind, settings, async (database) => {
    const connection = await database.connect();
    try {
      result.database = await describeDatabase(connection);
    } finally {
      await connection.close();
    }

    return measureFloor(database, {
      items: settings.floorItems,
      batchItems: settings.batchItems,
      streams,
      leaseMs: loadConfig({}).idempotency.leaseMs,
      deadlineMs: settings.loadDeadlineMs,
    });
  });
  const run = await onFreshDatabase(kind, settings, (database) =>
    withService(database, {}, async (service) => ({
      floor,
      bulk: await measureBulk(service, database.club, settings, anomalies),
      singleItemsPerSecond: await measureSingles(service, database.club, settings, anomalies),
      replay: await measureReplay(service, database.club, settings, anomalies),
    })),
  );
  printThroughput(run);

  return run;
}

/** What the service processes ran with, read from the service's own configuration defaults. */
function serviceSettings(kind: DatabaseKind, settings: BenchSettings): Record<string, string> {
  const config = loadConfig(
    kind === 'sqlite' ? { SQLITE_PATH: 'bench.sqlite' } : { DATABASE_URL: settings.postgresUrl },
  );
  const database = config.database;
  const described: Record<string, string> = {
    'lease (IDEMPOTENCY_LEASE_MS)': `${config.idempotency.leaseMs} ms`,
    'purge interval': `${config.idempotency.purgeIntervalMs} ms (${settings.purgeTickMs} ms for the purge figure)`,
    'extra environment': Object.entries(SERVICE_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(', '),
    'log format and level': `${config.log.format}, ${config.log.level} (one access line a request)`,
  };
  if (database.type === 'sqlite') {
    described['SQLite synchronous'] =
      `${database.synchronous} (the service's default; SQLITE_SYNCHRONOUS not set)`;
    described['SQLite journal mode'] = 'WAL';
  } else {
    described['pool size (DATABASE_POOL_MAX)'] = String(database.poolMax);
  }

  return described;
}

const clock = (since: number) => `${Math.round((performance.now() - since) / 1000)} s`;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const perSecond = (value: number) => `${formatNumber(value)}/s`;

function printThroughput(run: ThroughputRun): void {
  say(
    `  floor ${perSecond(run.floor.itemsPerSecond)} items, bulk ${perSecond(run.bulk.itemsPerSecond)} ` +
      `items (p50 ${ms(run.bulk.p50)}, p99 ${ms(run.bulk.p99)}), single ${perSecond(run.singleItemsPerSecond)}; ` +
      `replay p50 ${ms(run.replay.replay.p50)} vs GET p50 ${ms(run.replay.get.p50)}`,
  );
}

function printGrowth(growth: GrowthResult): void {
  const keys = (count: number) => `${formatNumber(count)} keys`;
  for (const run of growth.runs) {
    say(
      `  replay p50 ${ms(run.small.p50)} with ${keys(growth.smallKeys)}, ` +
        `${ms(run.large.p50)} with ${keys(growth.largeKeys)}`,
    );
  }
  for (const purge of growth.purges) {
    if (!Number.isFinite(purge.seconds)) {
      say(`  fill ${purge.fillSeconds.toFixed(1)} s; the purge failed (see the anomalies)`);
      continue;
    }
    say(
      `  fill ${purge.fillSeconds.toFixed(1)} s; purge of ${keys(purge.keys)} in ` +
        `${purge.seconds.toFixed(1)} s, replay p99 ${ms(purge.duringP99)} meanwhile, ` +
        `${ms(purge.quietP99)} before`,
    );
  }
}

function printMemory(run: MemoryResult): void {
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  say(
    `  RSS ${mb(run.rssBytes[0])} after ${formatNumber(run.batches[0])} batches, ` +
      `${mb(run.rssBytes[1])} after ${formatNumber(run.batches[1])}`,
  );
}
