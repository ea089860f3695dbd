import { randomUUID } from 'node:crypto';

import { createBenchDatabase, dateOf, query, timestampFor } from '../database.js';
import type { BenchDatabase, DatabaseKind, SqlConnection } from '../database.js';
import { runLoad } from '../load.js';
import type { Sample } from '../load.js';
import { bulkBody, replayShot, send } from '../requests.js';
import type { Shot } from '../requests.js';
import { withService } from '../service.js';
import type { BenchService } from '../service.js';
import type { BenchSettings } from '../settings.js';
import { quantile } from '../stats.js';
import { measureLatency, replayed } from './http.js';
import type { Anomalies, Latency } from './http.js';

/** One run of the growth latency: both sides measured back to back, each on a fresh service. */
export interface GrowthRun {
  small: Latency;
  large: Latency;
}

export interface PurgeRun {
  /** Expired keys the purge had to delete. */
  keys: number;
  /** How long the driver took to fill them (from `smallKeys` to `largeKeys` stored keys). */
  fillSeconds: number;
  seconds: number;
  /** p99 of the replays answered before the purge began, and while it ran. */
  quietP99: number;
  duringP99: number;
  duringRequests: number;
}

export interface GrowthResult {
  smallKeys: number;
  largeKeys: number;
  runs: GrowthRun[];
  purges: PurgeRun[];
}

/** The stored key every filled row copies: a real 1-item batch, completed by the service. */
interface Template {
  id: number;
  body: string;
  row: Record<string, unknown>;
  items: { item_index: number; result: string }[];
}

const KEY_PREFIX = 'growth-';
const PURGE_JOB = 'idempotency-purge';
const HOUR_MS = 60 * 60 * 1000;
const WATCH_MS = 100;
const PURGE_REQUEST_CAP = 2_000_000;

// What a purge that failed or did not end in time reports: nothing measured.
const FAILED_PURGE = {
  seconds: Number.NaN,
  quietP99: Number.NaN,
  duringP99: Number.NaN,
  duringRequests: Number.NaN,
};

/** A database holding `keys` stored keys, and the connection and template that filled it. */
interface KeyedDatabase {
  database: BenchDatabase;
  connection: SqlConnection;
  template: Template;
  fillSeconds: number;
}

const KEY_COLUMNS =
  'tenant, key, method, path, fingerprint, permission, state, holder, lease_token, ' +
  'lease_expires_at, items_total, items_done, response_status, response_headers, ' +
  'response_body, created_at, expires_at';

/**
 * Figure 5: claim+replay latency with `smallKeys` and with `largeKeys` stored keys, each in
 * a database of its own filled once; then the purge of all but the first `smallKeys` keys of
 * the large one once they expired, with the latency of the replays served meanwhile (each
 * purge run fills the keys again first). Keys are stored by the service once (the template)
 * and copied through the driver in one transaction, each with its ledger row, so the table
 * holds the rows the service would have written, for keys made over the last 23 hours.
 */
export async function measureGrowth(
  kind: DatabaseKind,
  settings: BenchSettings,
  anomalies: Anomalies,
  step: (run: number, runs: number, what: string) => void,
): Promise<GrowthResult> {
  const result: GrowthResult = {
    smallKeys: settings.smallKeys,
    largeKeys: settings.largeKeys,
    runs: [],
    purges: [],
  };
  await withKeyedDatabase(kind, settings, settings.smallKeys, async (small) =>
    withKeyedDatabase(kind, settings, settings.largeKeys, async (large) => {
      for (let run = 1; run <= settings.runs; run++) {
        step(run, settings.runs, 'growth: replays among few and many keys');
        result.runs.push({
          small: await replayLatency(small, settings.smallKeys, settings, anomalies),
          large: await replayLatency(large, settings.largeKeys, settings, anomalies),
        });
      }
      for (let run = 1; run <= settings.heavyRuns; run++) {
        step(run, settings.heavyRuns, `purge of ${settings.largeKeys - settings.smallKeys} keys`);
        const fillSeconds = run === 1 ? large.fillSeconds : await refill(large, settings);
        const purge = await measurePurge(large, settings, anomalies);
        result.purges.push({ ...purge, fillSeconds });
        if (!Number.isFinite(purge.seconds)) {
          anomalies.push(`purge: not repeated after it failed in run ${run}`);
          break;
        }
      }
    }),
  );

  return result;
}

async function withKeyedDatabase(
  kind: DatabaseKind,
  settings: BenchSettings,
  keys: number,
  work: (keyed: KeyedDatabase) => Promise<void>,
): Promise<void> {
  const database = await createBenchDatabase(kind, settings.postgresUrl);
  try {
    const connection = await database.connect();
    try {
      const template = await storeTemplate(database, connection);
      await fillKeys(connection, template, 1, settings.smallKeys, settings);
      const started = performance.now();
      await fillKeys(connection, template, settings.smallKeys, keys, settings);
      const fillSeconds = (performance.now() - started) / 1000;
      await work({ database, connection, template, fillSeconds });
    } finally {
      await connection.close();
    }
  } finally {
    await database.drop();
  }
}

/** Deletes what the last purge left of the expired keys and fills them again; answers its time. */
async function refill(keyed: KeyedDatabase, settings: BenchSettings): Promise<number> {
  const { connection, template } = keyed;
  const lastLive = await idOfKey(connection, settings.smallKeys - 1);
  await query(connection, 'DELETE FROM idempotency_items WHERE key_id > ?', [lastLive]);
  await query(connection, 'DELETE FROM idempotency_keys WHERE id > ?', [lastLive]);
  const started = performance.now();
  await fillKeys(connection, template, settings.smallKeys, settings.largeKeys, settings);

  return (performance.now() - started) / 1000;
}

async function idOfKey(connection: SqlConnection, index: number): Promise<number> {
  const [{ id }] = await query<{ id: number }>(
    connection,
    'SELECT id FROM idempotency_keys WHERE key = ?',
    [`${KEY_PREFIX}${index}`],
  );

  return Number(id);
}

async function storeTemplate(database: BenchDatabase, connection: SqlConnection) {
  const body = bulkBody(database.club, 1, `${KEY_PREFIX}template`);
  const key = `${KEY_PREFIX}0`;
  await withService(database, {}, async (service) => {
    const answer = await send(service.baseUrl, replayShot(database.club, key, body));
    if (answer.status !== 200) {
      throw new Error(`Storing the growth template answered ${answer.status}: ${answer.body}`);
    }
  });
  const [row] = await query(connection, 'SELECT * FROM idempotency_keys WHERE key = ?', [key]);
  const id = Number(row.id);
  const items = await query<Template['items'][number]>(
    connection,
    'SELECT item_index, result FROM idempotency_items WHERE key_id = ?',
    [id],
  );

  return { id, body, row, items } satisfies Template;
}

/** Copies the template as keys `growth-<from>` … `growth-<to - 1>`, in one transaction. */
async function fillKeys(
  connection: SqlConnection,
  template: Template,
  from: number,
  to: number,
  settings: BenchSettings,
): Promise<void> {
  if (from >= to) {
    return;
  }
  if (connection.kind === 'sqlite') {
    fillSqlite(connection, template, from, to, settings);

    return;
  }
  await fillPostgres(connection, template, from, to, settings);
}

// Keys of a day that is not over: made evenly over the last 23 hours, expiring 24 hours after.
function madeAt(now: number, index: number, total: number): Date {
  return new Date(now - 23 * HOUR_MS + (index / total) * 23 * HOUR_MS);
}

function fillSqlite(
  connection: Extract<SqlConnection, { kind: 'sqlite' }>,
  template: Template,
  from: number,
  to: number,
  settings: BenchSettings,
): void {
  const insertKey = connection.db.prepare(
    `INSERT INTO idempotency_keys (${KEY_COLUMNS}) VALUES (${KEY_COLUMNS.replace(/\w+/g, '?')})`,
  );
  const insertItem = connection.db.prepare(
    'INSERT INTO idempotency_items (key_id, item_index, result) VALUES (?, ?, ?)',
  );
  const t = template.row;
  const now = Date.now();
  const deadline = performance.now() + settings.fillDeadlineMs;
  const at = (date: Date) => timestampFor('sqlite', date);

  connection.db.transaction(() => {
    for (let index = from; index < to; index++) {
      const created = madeAt(now, index, to);
      const { lastInsertRowid } = insertKey.run(
        t.tenant,
        `${KEY_PREFIX}${index}`,
        t.method,
        t.path,
        t.fingerprint,
        t.permission,
        t.state,
        randomUUID(),
        t.lease_token,
        at(new Date(created.getTime() + 5000)),
        t.items_total,
        t.items_done,
        t.response_status,
        t.response_headers,
        t.response_body,
        at(created),
        at(new Date(created.getTime() + 24 * HOUR_MS)),
      );
      for (const item of template.items) {
        insertItem.run(lastInsertRowid, item.item_index, item.result);
      }
      if (index % 10_000 === 0 && performance.now() > deadline) {
        throw new Error(`Filling keys took over ${settings.fillDeadlineMs} ms; rolled back`);
      }
    }
  })();
}

// One INSERT … SELECT over generate_series for the keys, one for their ledger rows.
async function fillPostgres(
  connection: Extract<SqlConnection, { kind: 'postgres' }>,
  template: Template,
  from: number,
  to: number,
  settings: BenchSettings,
): Promise<void> {
  const { client } = connection;
  const [{ max }] = await query<{ max: number | null }>(
    connection,
    'SELECT max(id) AS max FROM idempotency_keys',
  );
  const made = `($3::timestamptz - interval '23 hours' + (g::float8 / $4) * interval '23 hours')`;
  const generated: Record<string, string> = {
    key: `'${KEY_PREFIX}' || g`,
    holder: 'gen_random_uuid()::text',
    lease_expires_at: `${made} + interval '5 seconds'`,
    created_at: made,
    expires_at: `${made} + interval '24 hours'`,
  };
  const select = KEY_COLUMNS.split(', ').map((column) => generated[column] ?? `t.${column}`);

  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL statement_timeout = ${settings.fillDeadlineMs}`);
    await client.query(
      `INSERT INTO idempotency_keys (${KEY_COLUMNS}) SELECT ${select.join(', ')} ` +
        'FROM idempotency_keys t, generate_series($1::int, $2::int - 1) g WHERE t.id = $5',
      [from, to, new Date(), to, template.id],
    );
    await client.query(
      'INSERT INTO idempotency_items (key_id, item_index, result) ' +
        'SELECT k.id, i.item_index, i.result FROM idempotency_keys k, idempotency_items i ' +
        'WHERE k.id > $1 AND i.key_id = $2',
      [max ?? 0, template.id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  // Autovacuum would analyze a table that grew this much soon after; do it now, as it would.
  await client.query('ANALYZE idempotency_keys, idempotency_items');
}

/** Replays of keys picked at random among the first `keys`, on a fresh service process. */
async function replayLatency(
  keyed: KeyedDatabase,
  keys: number,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<Latency> {
  return withService(keyed.database, {}, (service) =>
    measureLatency(
      `replay among ${keys} keys`,
      service,
      settings,
      { next: () => randomReplay(keyed, keys), check: replayed, requests: settings.growthRequests },
      anomalies,
    ),
  );
}

function randomReplay({ database, template }: KeyedDatabase, keys: number): Shot {
  const index = Math.floor(Math.random() * keys);

  return replayShot(database.club, `${KEY_PREFIX}${index}`, template.body);
}

/**
 * Expires every key but the first `smallKeys`, starts a service whose purge runs
 * `purgeTickMs` after its start, and replays the live keys until the purge is done. The
 * purge began when its row in `scheduled_jobs` says so; it ended when the service logs it.
 */
async function measurePurge(
  keyed: KeyedDatabase,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<Omit<PurgeRun, 'fillSeconds'>> {
  const { database, connection } = keyed;
  const lastLive = await expireAllBut(connection, settings.smallKeys);
  const expired = settings.largeKeys - settings.smallKeys;
  const runsBefore = await purgeRuns(connection);
  const env = { IDEMPOTENCY_PURGE_INTERVAL_MS: String(settings.purgeTickMs) };

  return withService(database, env, async (service) => {
    const watch = { started: undefined as Date | undefined, ended: undefined as Date | undefined };
    // A failed watch ends the load at once; the failure is reported once the load has stopped.
    const watching = watchPurge(service, connection, runsBefore, watch, settings).then(
      (keys) => ({ keys }),
      (error: unknown) => {
        watch.ended ??= new Date();

        return { error };
      },
    );
    const load = await runLoad({
      baseUrl: service.baseUrl,
      connections: settings.latencyConnections,
      requests: PURGE_REQUEST_CAP,
      deadlineMs: settings.purgeDeadlineMs,
      next: () => randomReplay(keyed, settings.smallKeys),
      check: replayed,
      until: () => watch.ended !== undefined,
    });
    const watched = await watching;
    if ('error' in watched) {
      anomalies.push(`purge: ${(watched.error as Error)?.message ?? String(watched.error)}`);

      return { ...FAILED_PURGE, keys: expired };
    }
    if (watched.keys !== expired) {
      anomalies.push(`purge: the service logged ${watched.keys} keys purged, not ${expired}`);
    }
    if (load.failures > 0) {
      anomalies.push(`replay during purge: ${load.failures} unexpected, ${load.firstFailure}`);
    }
    const [{ remaining }] = await query<{ remaining: number }>(
      connection,
      'SELECT count(*) AS remaining FROM idempotency_keys WHERE id > ?',
      [lastLive],
    );
    if (Number(remaining) !== 0) {
      anomalies.push(`purge: ${remaining} expired keys were left after it ended`);
    }

    return purgeResult(expired, watch, load.samples, settings.warmupRequests);
  });
}

async function expireAllBut(connection: SqlConnection, live: number): Promise<number> {
  const id = await idOfKey(connection, live - 1);
  const past = timestampFor(connection.kind, new Date(Date.now() - 60_000));
  await query(connection, 'UPDATE idempotency_keys SET expires_at = ? WHERE id > ?', [past, id]);

  return id;
}

async function purgeRuns(connection: SqlConnection) {
  const rows = await query<{ runs: number; last_run_at: unknown }>(
    connection,
    'SELECT runs, last_run_at FROM scheduled_jobs WHERE name = ?',
    [PURGE_JOB],
  );

  return rows.length === 0
    ? { runs: 0, at: undefined }
    : { runs: Number(rows[0].runs), at: dateOf(rows[0].last_run_at) };
}

/** Polls until the purge began and the service logged its end; answers how many it purged. */
async function watchPurge(
  service: BenchService,
  connection: SqlConnection,
  before: { runs: number },
  watch: { started: Date | undefined; ended: Date | undefined },
  settings: BenchSettings,
): Promise<number> {
  const deadline = Date.now() + settings.purgeDeadlineMs;
  let scanned = 0;
  let purged = 0;
  while (Date.now() < deadline) {
    if (!watch.started) {
      const now = await purgeRuns(connection);
      watch.started = now.runs > before.runs ? now.at : undefined;
    }
    if (!watch.ended) {
      // Only the output written since the last look is searched: it grows by a line a request.
      const output = service.output();
      const fresh = output.slice(Math.max(0, scanned - 200));
      scanned = output.length;
      purged = purgeLogged(fresh);
      watch.ended = purged > 0 ? new Date() : undefined;
    }
    if (watch.started && watch.ended) {
      return purged;
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
  }
  throw new Error(
    `The purge was not seen to begin and end within ${settings.purgeDeadlineMs} ms ` +
      `(begun: ${watch.started !== undefined})`,
  );
}

/** How many keys the purge logged it purged in `output`, 0 if it did not; throws if it failed. */
function purgeLogged(output: string): number {
  const failed = output.indexOf('Purging expired idempotency keys failed');
  if (failed >= 0) {
    throw new Error(`the service's purge failed: ${failureOf(output, failed)}`);
  }
  const done = /Purged (\d+) expired idempotency keys/.exec(output);

  return done ? Number(done[1]) : 0;
}

// The first line of the stack the service logged with its failure (a JSON log line).
function failureOf(output: string, at: number): string {
  const end = output.indexOf('\n', at);
  const line = output.slice(output.lastIndexOf('\n', at) + 1, end < 0 ? undefined : end);
  try {
    const logged = JSON.parse(line) as { stack?: string; message?: string };

    return (logged.stack ?? logged.message ?? line).split('\n')[0];
  } catch {
    return line.slice(0, 300);
  }
}

function purgeResult(
  keys: number,
  watch: { started?: Date; ended?: Date },
  samples: Sample[],
  warmup: number,
): Omit<PurgeRun, 'fillSeconds'> {
  const started = watch.started!.getTime();
  const ended = watch.ended!.getTime();
  const quiet = samples.slice(warmup).filter((sample) => sample.endedAt < started);
  const during = samples.filter((sample) => sample.endedAt >= started && sample.endedAt <= ended);

  return {
    keys,
    seconds: (ended - started) / 1000,
    quietP99: quantile(
      quiet.map((sample) => sample.latencyMs),
      0.99,
    ),
    duringP99: quantile(
      during.map((sample) => sample.latencyMs),
      0.99,
    ),
    duringRequests: during.length,
  };
}
