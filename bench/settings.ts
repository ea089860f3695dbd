type Env = Record<string, string | undefined>;

/** Every size, count and deadline of a bench run, read once from the environment. */
export interface BenchSettings {
  quick: boolean;
  /** Runs of figures 1 to 4 and of the growth latency. */
  runs: number;
  /** Runs of the long figures: the purge of `largeKeys` keys and memory over many batches. */
  heavyRuns: number;
  /** Connections of the throughput loads (figures 2, 3 and 6). */
  connections: number;
  /** Connections of the latency loads (figures 4 and 5): 1 measures service time, not queueing. */
  latencyConnections: number;
  batchItems: number;
  floorItems: number;
  bulkBatches: number;
  singleRequests: number;
  latencyRequests: number;
  warmupRequests: number;
  smallKeys: number;
  largeKeys: number;
  growthRequests: number;
  memoryBatchItems: number;
  memoryCheckpoints: [number, number];
  purgeTickMs: number;
  loadDeadlineMs: number;
  memoryDeadlineMs: number;
  fillDeadlineMs: number;
  purgeDeadlineMs: number;
  postgresUrl: string | undefined;
  outputPath: string;
}

export class SettingsError extends Error {}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }

  return Number(raw);
}

/**
 * The full sizes are those of the targets (1,000,000 keys, 10,000 batches); `BENCH_QUICK=1`
 * shrinks every size and runs once, to check that the bench works, not to measure.
 */
export function loadSettings(env: Env): BenchSettings {
  const quick = env.BENCH_QUICK === '1';
  const pick = (full: number, small: number) => (quick ? small : full);
  const connections = whole(env, 'BENCH_CONNECTIONS', 4, 1, 64);
  const runs = whole(env, 'BENCH_RUNS', pick(5, 1), 1, 50);

  return {
    quick,
    runs,
    heavyRuns: whole(env, 'BENCH_HEAVY_RUNS', Math.min(runs, 3), 1, 50),
    connections,
    latencyConnections: whole(env, 'BENCH_LATENCY_CONNECTIONS', 1, 1, 64),
    batchItems: 100,
    floorItems: pick(3000, 300),
    bulkBatches: Math.max(connections, pick(30, 4)),
    singleRequests: Math.max(connections, pick(1000, 100)),
    latencyRequests: pick(1000, 200),
    warmupRequests: pick(200, 20),
    smallKeys: 1000,
    largeKeys: whole(env, 'BENCH_KEYS', pick(1_000_000, 10_000), 2000, 50_000_000),
    growthRequests: pick(1000, 200),
    memoryBatchItems: whole(env, 'BENCH_MEMORY_ITEMS', 10, 1, 100),
    memoryCheckpoints: quick ? [100, 1000] : [1000, 10_000],
    purgeTickMs: 5000,
    loadDeadlineMs: pick(180_000, 60_000),
    memoryDeadlineMs: pick(900_000, 120_000),
    fillDeadlineMs: 600_000,
    purgeDeadlineMs: pick(900_000, 120_000),
    postgresUrl: env.DATABASE_URL || undefined,
    outputPath: env.BENCH_OUTPUT || 'BENCHMARKS.md',
  };
}
