import type { Machine, Software } from './machine.js';
import { formatNumber } from './print.js';
import type { BenchSettings } from './settings.js';
import { spreadOf } from './stats.js';
import type { SuiteResult } from './suite.js';

export interface BenchReport {
  settings: BenchSettings;
  machine: Machine;
  software: Software;
  startedAt: Date;
  seconds: number;
  loadAverage: { start: number[]; end: number[] };
  suites: SuiteResult[];
  /** Lines for what did not run, such as PostgreSQL without DATABASE_URL. */
  skipped: string[];
}

interface Target {
  op: '≥' | '≤';
  value: number;
}

interface Figure {
  label: string;
  values: number[];
  unit: string;
  digits: number;
  target?: Target;
}

export const POSTGRES_SKIPPED = 'PostgreSQL skipped: no DATABASE_URL';

const TARGETS: Record<DatabaseName, Record<'bulkToFloor' | 'bulkToSingle', number>> = {
  SQLite: { bulkToFloor: 0.5, bulkToSingle: 4 },
  PostgreSQL: { bulkToFloor: 0.7, bulkToSingle: 1.5 },
};

type DatabaseName = 'SQLite' | 'PostgreSQL';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** BENCHMARKS.md: the machine, the software, the settings, then each database's figures. */
export function renderReport(report: BenchReport): string {
  const sections = [
    header(report),
    machineSection(report),
    softwareSection(report),
    settingsSection(report.settings),
    ...report.suites.map((suite) => suiteSection(suite, report.settings)),
    ...report.skipped.map((line) => `## PostgreSQL\n\n${line}\n`),
  ];

  return `${sections.join('\n')}`;
}

function header(report: BenchReport): string {
  const { settings } = report;
  const lines = ['# Benchmarks', ''];
  if (settings.quick) {
    lines.push(
      '> **QUICK SMOKE RUN (`BENCH_QUICK=1`): small sizes, one run, on a machine busy with other',
      '> work. These numbers only show that the bench works; they are not the benchmark.** Run',
      "> `npm run bench` on a quiet machine for the figures at the targets' sizes.",
      '',
    );
  }
  lines.push(
    `Written by \`npm run bench\` (\`bench/run.ts\`) on ${report.startedAt.toISOString()}, in ` +
      `${formatNumber(report.seconds)} s. Every figure is the median of its runs (${settings.runs}, ` +
      `or ${settings.heavyRuns} for the purge and memory), with its spread (min–max and p25–p75). ` +
      'Every ratio is taken between two things ' +
      'measured in the same run, and then summarised the same way. All traffic goes to ' +
      '127.0.0.1; each run uses fresh throw-away databases and fresh service processes.',
    '',
    'Run: `npm run bench` (SQLite; it builds into `.tmp/bench-dist`, not `dist/`), or ' +
      '`DATABASE_URL=postgres://…/<a database whose name contains "test"> npm run bench` for ' +
      'PostgreSQL too (the bench creates a throw-away database on that server and drops it ' +
      'after). Sizes: `BENCH_RUNS`, `BENCH_HEAVY_RUNS`, `BENCH_KEYS`, `BENCH_CONNECTIONS`, ' +
      '`BENCH_LATENCY_CONNECTIONS`, `BENCH_MEMORY_ITEMS`; `BENCH_QUICK=1` for a smoke run; ' +
      '`BENCH_OUTPUT` to write elsewhere.',
    '',
  );

  return lines.join('\n');
}

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`), ''].join(
    '\n',
  );
}

function machineSection({ machine, loadAverage }: BenchReport): string {
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');

  return [
    '## Machine',
    '',
    table([
      ['CPU', machine.cpuModel],
      ['cores', String(machine.cores)],
      ['memory', `${(machine.memoryBytes / GIB).toFixed(1)} GiB`],
      ['system', machine.system],
      ['load average (1, 5, 15 min) at start', load(loadAverage.start)],
      ['load average (1, 5, 15 min) at end', load(loadAverage.end)],
      ['databases in', `${machine.tmpDir}, ${machine.tmpFilesystem} (TMPDIR moves them)`],
    ]),
  ].join('\n');
}

function softwareSection({ software, suites }: BenchReport): string {
  const rows: [string, string][] = [['Node', software.node]];
  for (const suite of suites) {
    for (const [name, value] of Object.entries(suite.database)) {
      rows.push([name, value]);
    }
  }
  for (const [name, version] of Object.entries(software.packages)) {
    rows.push([name, version]);
  }

  return ['## Software', '', table(rows)].join('\n');
}

function settingsSection(settings: BenchSettings): string {
  const n = formatNumber;

  return [
    '## Settings',
    '',
    table([
      ['runs of figures 1 to 4 and of the growth latency', `${settings.runs} (BENCH_RUNS)`],
      ['runs of the purge and of memory', `${settings.heavyRuns} (BENCH_HEAVY_RUNS)`],
      [
        'connections of the throughput loads (2, 3, 6)',
        `${settings.connections} (BENCH_CONNECTIONS)`,
      ],
      [
        'connections of the latency loads (4, 5)',
        `${settings.latencyConnections} (BENCH_LATENCY_CONNECTIONS): service time, not queueing`,
      ],
      [
        'an item',
        'a member create: name, email and 2 groups; every batch and every single create under its ' +
          'own `Idempotency-Key` and with a body no other request has',
      ],
      [
        '1. floor',
        `${n(settings.floorItems)} items a run, in ${settings.batchItems}-item batches: per item, ` +
          'one transaction with the member row, its 2 group rows, its audit row, the fenced ' +
          '`UPDATE idempotency_keys` and the ledger row, as prepared statements straight through ' +
          'the driver (better-sqlite3 with WAL, synchronous=FULL, foreign_keys=ON; pg). SQLite: ' +
          'one stream, as the service has one connection; PostgreSQL: one stream per load ' +
          "connection. Not in it: the check that the groups are the club's (the service " +
          "inserts the group rows with `INSERT … SELECT` from the club's groups, the floor " +
          "as plain values), the item's validation, and the batch's claim and completion",
      ],
      [
        '2. bulk',
        `${n(settings.bulkBatches)} batches of ${settings.batchItems} items a run, after ` +
          `${settings.connections} warm-up batches`,
      ],
      [
        '3. single',
        `${n(settings.singleRequests)} \`POST /members\` a run, after ${settings.warmupRequests} warm-up`,
      ],
      [
        '4. replay',
        `${n(settings.latencyRequests)} replays of one stored ${settings.batchItems}-item batch and ` +
          `${n(settings.latencyRequests)} \`GET /club\` a run, each after ` +
          `${settings.warmupRequests} warm-up. ` +
          'The replays send the bytes of the first request, to the process that stored it: their ' +
          'fingerprint comes from its memo of raw bodies, not from canonical JSON again',
      ],
      [
        '5. growth',
        `${n(settings.growthRequests)} replays of keys picked at random, with ${n(settings.smallKeys)} ` +
          `and with ${n(settings.largeKeys)} (BENCH_KEYS) stored keys, each on a fresh service ` +
          'process after a warm-up. Keys are copies of one completed 1-item batch stored by the ' +
          'service, made over the last 23 hours, with one ledger row each, inserted in one ' +
          'transaction (PostgreSQL: INSERT … SELECT over generate_series, then ANALYZE). The purge ' +
          `then deletes all but the first ${n(settings.smallKeys)}, which are replayed meanwhile`,
      ],
      [
        '6. memory',
        `VmRSS of one service process after ${n(settings.memoryCheckpoints[0])} and after ` +
          `${n(settings.memoryCheckpoints[1])} batches of ${settings.memoryBatchItems} items (BENCH_MEMORY_ITEMS) ` +
          '(1 s idle before each reading)',
      ],
    ]),
  ].join('\n');
}

function suiteSection(suite: SuiteResult, settings: BenchSettings): string {
  const name: DatabaseName = suite.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const figures = figuresOf(suite);
  const comparisons = comparisonsOf(suite, TARGETS[name]);
  const missed = comparisons.filter((figure) => verdict(figure)?.startsWith('MISS'));
  const lines = [
    `## ${name}`,
    '',
    `${formatNumber(suite.seconds)} s for this database. Service settings:`,
    '',
    table([...Object.entries(suite.service), ['floor streams', String(suite.floorStreams)]] as [
      string,
      string,
    ][]),
    '### Figures',
    '',
    '| figure | median | min–max | p25–p75 |',
    '|---|---|---|---|',
    ...figures.map(figureRow),
    '',
    '### Comparisons (ratios within a run)',
    '',
    '| comparison | median | min–max | p25–p75 | target | verdict |',
    '|---|---|---|---|---|---|',
    ...comparisons.map(comparisonRow),
    '',
  ];
  if (settings.quick) {
    lines.push(
      "_Quick run: the growth and memory ratios above are at the quick sizes, not the targets'._",
      '',
    );
  }
  if (missed.length > 0) {
    lines.push(
      `**Why ${missed.map((figure) => `"${figure.label}"`).join(', ')} missed: ` +
        'the bench measures and does not explain; write the reason here from a profile of the ' +
        "service under this load (the README's Benchmarks section says what the hot paths do).**",
      '',
    );
  }
  lines.push('### Anomalies', '');
  lines.push(
    ...(suite.anomalies.length === 0 ? ['None.'] : suite.anomalies.map((line) => `- ${line}`)),
  );
  lines.push('');

  return lines.join('\n');
}

function figuresOf(suite: SuiteResult): Figure[] {
  const { throughput: t, memory: m } = suite;
  const { smallKeys = 0, largeKeys = 0, runs: g = [], purges: p = [] } = suite.growth ?? {};
  const keys = (count: number) => `${formatNumber(count)} keys`;
  const [firstBatches, secondBatches] = m[0]?.batches ?? [0, 0];
  const perSecond = (label: string, values: number[]) => ({ label, values, unit: '/s', digits: 0 });
  const millis = (label: string, values: number[]) => ({ label, values, unit: ' ms', digits: 2 });
  const seconds = (label: string, values: number[]) => ({ label, values, unit: ' s', digits: 1 });
  const mebibytes = (label: string, values: number[]) => ({
    label,
    values,
    unit: ' MiB',
    digits: 1,
  });

  return [
    perSecond(
      '1. floor: items',
      t.map((run) => run.floor.itemsPerSecond),
    ),
    perSecond(
      '2. bulk: items',
      t.map((run) => run.bulk.itemsPerSecond),
    ),
    millis(
      '2. bulk: batch latency p50',
      t.map((run) => run.bulk.p50),
    ),
    millis(
      '2. bulk: batch latency p99',
      t.map((run) => run.bulk.p99),
    ),
    perSecond(
      '3. single creates: items',
      t.map((run) => run.singleItemsPerSecond),
    ),
    millis(
      '4. replay p50',
      t.map((run) => run.replay.replay.p50),
    ),
    millis(
      '4. replay p99',
      t.map((run) => run.replay.replay.p99),
    ),
    millis(
      '4. GET /club p50',
      t.map((run) => run.replay.get.p50),
    ),
    millis(
      '4. GET /club p99',
      t.map((run) => run.replay.get.p99),
    ),
    millis(
      `5. claim+replay p50, ${keys(smallKeys)}`,
      g.map((run) => run.small.p50),
    ),
    millis(
      `5. claim+replay p99, ${keys(smallKeys)}`,
      g.map((run) => run.small.p99),
    ),
    millis(
      `5. claim+replay p50, ${keys(largeKeys)}`,
      g.map((run) => run.large.p50),
    ),
    millis(
      `5. claim+replay p99, ${keys(largeKeys)}`,
      g.map((run) => run.large.p99),
    ),
    seconds(
      `5. fill from ${keys(smallKeys)} to ${keys(largeKeys)}`,
      p.map((run) => run.fillSeconds),
    ),
    seconds(
      `5. purge of ${keys(largeKeys - smallKeys)}: time`,
      p.map((run) => run.seconds),
    ),
    millis(
      '5. replay p99 before the purge',
      p.map((run) => run.quietP99),
    ),
    millis(
      '5. replay p99 while the purge runs',
      p.map((run) => run.duringP99),
    ),
    {
      label: '5. replays served while the purge runs',
      values: p.map((run) => run.duringRequests),
      unit: '',
      digits: 0,
    },
    mebibytes(
      `6. RSS after ${formatNumber(firstBatches)} batches`,
      m.map((run) => run.rssBytes[0] / MIB),
    ),
    mebibytes(
      `6. RSS after ${formatNumber(secondBatches)} batches`,
      m.map((run) => run.rssBytes[1] / MIB),
    ),
  ];
}

function comparisonsOf(
  suite: SuiteResult,
  targets: Record<'bulkToFloor' | 'bulkToSingle', number>,
): Figure[] {
  const { throughput: t, memory: m } = suite;
  const { smallKeys = 0, largeKeys = 0, runs: g = [], purges: p = [] } = suite.growth ?? {};
  const ratio = (label: string, values: number[], target?: Target): Figure => ({
    label,
    values,
    unit: '',
    digits: 2,
    target,
  });
  const [small, large] = [formatNumber(smallKeys), formatNumber(largeKeys)];
  const [first, second] = (m[0]?.batches ?? [0, 0]).map((count) => formatNumber(count));

  return [
    ratio(
      '2 ÷ 1: bulk items/s ÷ floor items/s',
      t.map((run) => run.bulk.itemsPerSecond / run.floor.itemsPerSecond),
      { op: '≥', value: targets.bulkToFloor },
    ),
    ratio(
      '2 ÷ 3: bulk items/s ÷ single-create items/s',
      t.map((run) => run.bulk.itemsPerSecond / run.singleItemsPerSecond),
      { op: '≥', value: targets.bulkToSingle },
    ),
    ratio(
      '4: replay p50 ÷ GET /club p50',
      t.map((run) => run.replay.replay.p50 / run.replay.get.p50),
      { op: '≤', value: 1.5 },
    ),
    ratio(
      '4: replay p99 ÷ GET /club p99',
      t.map((run) => run.replay.replay.p99 / run.replay.get.p99),
    ),
    ratio(
      `5: claim+replay p50, ${large} keys ÷ ${small} keys`,
      g.map((run) => run.large.p50 / run.small.p50),
      { op: '≤', value: 1.2 },
    ),
    ratio(
      `5: claim+replay p99, ${large} keys ÷ ${small} keys`,
      g.map((run) => run.large.p99 / run.small.p99),
    ),
    ratio(
      '5: replay p99 while purging ÷ before',
      p.map((run) => run.duringP99 / run.quietP99),
    ),
    ratio(
      `6: RSS after ${second} batches ÷ after ${first}`,
      m.map((run) => run.rssBytes[1] / run.rssBytes[0]),
      { op: '≤', value: 1.2 },
    ),
  ];
}

function figureRow(figure: Figure): string {
  const cells = spreadCells(figure);

  return `| ${figure.label} | ${cells.join(' | ')} |`;
}

function comparisonRow(figure: Figure): string {
  const target = figure.target ? `${figure.target.op} ${figure.target.value}` : '—';

  return `| ${figure.label} | ${spreadCells(figure).join(' | ')} | ${target} | ${verdict(figure) ?? '—'} |`;
}

function spreadCells(figure: Figure): [string, string, string] {
  if (figure.values.length === 0 || figure.values.some((value) => !Number.isFinite(value))) {
    return ['n/a', 'n/a', 'n/a'];
  }
  const spread = spreadOf(figure.values);
  const show = (value: number) => `${formatNumber(value, figure.digits)}${figure.unit}`;

  return [
    show(spread.median),
    `${show(spread.min)} – ${show(spread.max)}`,
    `${show(spread.p25)} – ${show(spread.p75)}`,
  ];
}

/** PASS or MISS on the median, and by how much, relative to the target. */
function verdict(figure: Figure): string | undefined {
  if (!figure.target || figure.values.length === 0) {
    return undefined;
  }
  const median = spreadOf(figure.values).median;
  if (!Number.isFinite(median)) {
    return 'n/a';
  }
  const { op, value } = figure.target;
  const off = Math.abs(median / value - 1) * 100;
  const passed = op === '≥' ? median >= value : median <= value;
  if (passed) {
    return `PASS (${off.toFixed(1)}% ${op === '≥' ? 'above' : 'below'} the target)`;
  }

  return `MISS by ${off.toFixed(1)}% (${op === '≥' ? 'short of' : 'over'} the target)`;
}
