import type { IncomingHttpHeaders } from 'node:http';

import type { TestClub } from '../../test/support/test-app.js';
import { latenciesOf, runLoad } from '../load.js';
import type { LoadPlan, LoadResult } from '../load.js';
import { bulkShot, getClubShot, replayShot, send, singleShot } from '../requests.js';
import type { BenchService } from '../service.js';
import type { BenchSettings } from '../settings.js';
import { quantile } from '../stats.js';

/** Where a load did not go as planned; written to the report, never dropped. */
export type Anomalies = string[];

export interface Latency {
  p50: number;
  p99: number;
}

export interface BulkResult extends Latency {
  itemsPerSecond: number;
}

export interface ReplayResult {
  replay: Latency;
  get: Latency;
}

type Check = LoadPlan['check'];

/** A batch counts its succeeded items when all of them succeeded. */
export function bulkCheck(items: number): Check {
  return (status, body) => {
    if (status !== 200) {
      return 0;
    }
    const answer = JSON.parse(body) as { succeeded?: number };

    return answer.succeeded === items ? items : 0;
  };
}

const statusIs =
  (expected: number): Check =>
  (status) =>
    status === expected ? 1 : 0;

/** A replay answers 200 with `Idempotency-Replayed: true`. */
export const replayed: Check = (status, _body, headers: IncomingHttpHeaders) =>
  status === 200 && headers['idempotency-replayed'] === 'true' ? 1 : 0;

/** Runs a load and notes in `anomalies` what went wrong with it. */
export async function measuredLoad(
  label: string,
  plan: LoadPlan,
  anomalies: Anomalies,
): Promise<LoadResult> {
  const load = await runLoad(plan);
  if (load.failures > 0) {
    anomalies.push(`${label}: ${load.failures} unexpected answers, first: ${load.firstFailure}`);
  }
  if (load.errors > 0) {
    anomalies.push(`${label}: ${load.errors} connection errors or timeouts`);
  }
  if (load.stoppedBy === 'deadline') {
    anomalies.push(`${label}: stopped at its deadline after ${load.responses} of ${plan.requests}`);
  }

  return load;
}

export function latencyOf(load: LoadResult): Latency {
  const latencies = latenciesOf(load.samples);

  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** Figure 2: 100-item create batches, each under its own key, from `connections` clients. */
export async function measureBulk(
  service: BenchService,
  club: TestClub,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<BulkResult> {
  const plan = (requests: number): LoadPlan => ({
    baseUrl: service.baseUrl,
    connections: settings.connections,
    requests,
    deadlineMs: settings.loadDeadlineMs,
    next: () => bulkShot(club, settings.batchItems),
    check: bulkCheck(settings.batchItems),
  });
  await measuredLoad('bulk warm-up', plan(settings.connections), anomalies);
  const load = await measuredLoad('bulk', plan(settings.bulkBatches), anomalies);

  return { itemsPerSecond: load.items / load.seconds, ...latencyOf(load) };
}

/** Figure 3: the same creates as single requests, each under its own key. */
export async function measureSingles(
  service: BenchService,
  club: TestClub,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<number> {
  const plan = (requests: number): LoadPlan => ({
    baseUrl: service.baseUrl,
    connections: settings.connections,
    requests,
    deadlineMs: settings.loadDeadlineMs,
    next: () => singleShot(club),
    check: statusIs(201),
  });
  await measuredLoad('single warm-up', plan(settings.warmupRequests), anomalies);
  const load = await measuredLoad('single', plan(settings.singleRequests), anomalies);

  return load.items / load.seconds;
}

/** p50 and p99 of one request kind from `latencyConnections` clients, after a warm-up. */
export async function measureLatency(
  label: string,
  service: BenchService,
  settings: BenchSettings,
  shots: Pick<LoadPlan, 'next' | 'check'> & { requests: number },
  anomalies: Anomalies,
): Promise<Latency> {
  const plan = (requests: number): LoadPlan => ({
    baseUrl: service.baseUrl,
    connections: settings.latencyConnections,
    requests,
    deadlineMs: settings.loadDeadlineMs,
    next: shots.next,
    check: shots.check,
  });
  await measuredLoad(`${label} warm-up`, plan(settings.warmupRequests), anomalies);

  return latencyOf(await measuredLoad(label, plan(shots.requests), anomalies));
}

/** Figure 4: a stored 100-item batch replayed, beside an authenticated `GET /club`. */
export async function measureReplay(
  service: BenchService,
  club: TestClub,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<ReplayResult> {
  const stored = bulkShot(club, settings.batchItems);
  const first = await send(service.baseUrl, stored);
  if (first.status !== 200) {
    throw new Error(`Storing the batch to replay answered ${first.status}: ${first.body}`);
  }
  const key = stored.headers['idempotency-key'];
  const requests = settings.latencyRequests;

  const get = await measureLatency(
    'GET /club',
    service,
    settings,
    { next: () => getClubShot(club), check: statusIs(200), requests },
    anomalies,
  );
  const replay = await measureLatency(
    'replay',
    service,
    settings,
    { next: () => replayShot(club, key, stored.body!), check: replayed, requests },
    anomalies,
  );

  return { replay, get };
}
