import autocannon from 'autocannon';
import type { IncomingHttpHeaders } from 'node:http';

import type { Shot } from './requests.js';

export interface LoadPlan {
  baseUrl: string;
  connections: number;
  /** How many responses the load waits for; it ends sooner at its deadline or `until`. */
  requests: number;
  deadlineMs: number;
  /** The next request to send; called once per request (and once more per connection). */
  next(): Shot;
  /** How many items a response stands for; 0 counts it as a failure. */
  check(status: number, body: string, headers: IncomingHttpHeaders): number;
  /** Ends the load early once it answers true (checked after each response). */
  until?: () => boolean;
}

export interface Sample {
  /** Wall-clock time (ms since the epoch) the response ended. */
  endedAt: number;
  latencyMs: number;
}

export interface LoadResult {
  seconds: number;
  responses: number;
  items: number;
  failures: number;
  firstFailure: string | undefined;
  /** Connection errors and timeouts. */
  errors: number;
  samples: Sample[];
  stoppedBy: 'count' | 'deadline' | 'until';
}

const REQUEST_TIMEOUT_S = 60;

/**
 * Runs one load with autocannon against the service on loopback and records every response's
 * latency itself, from autocannon's high-resolution response times (its own histogram keeps
 * whole milliseconds only, too coarse for a 1 ms request).
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  assertLoopback(plan.baseUrl);
  const samples: Sample[] = [];
  const tally = { items: 0, failures: 0, firstFailure: undefined as string | undefined };
  let stoppedBy: LoadResult['stoppedBy'] = 'count';
  const started = performance.now();
  // autocannon reports the end of a load on its next one-second tick, so the load's time is
  // taken up to its last response instead.
  let lastResponse = started;

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.baseUrl,
        connections: Math.min(plan.connections, plan.requests),
        amount: plan.requests,
        timeout: REQUEST_TIMEOUT_S,
        requests: [
          {
            setupRequest: (request) => ({ ...request, ...plan.next() }),
            onResponse: (status, body, _context, headers) =>
              countResponse(tally, plan.check(status, body, lowerCased(headers)), status, body),
          },
        ],
      },
      (error: unknown, done) => {
        clearTimeout(deadline);
        if (error) {
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));

          return;
        }
        resolve(done);
      },
    );
    const deadline = setTimeout(() => {
      stoppedBy = 'deadline';
      instance.stop();
    }, plan.deadlineMs);
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      lastResponse = performance.now();
      samples.push({ endedAt: Date.now(), latencyMs: responseTime });
      if (stoppedBy === 'count' && plan.until?.()) {
        stoppedBy = 'until';
        instance.stop();
      }
    });
  });

  return {
    seconds: (lastResponse - started) / 1000,
    responses: samples.length,
    ...tally,
    errors: result.errors,
    samples,
    stoppedBy,
  };
}

function countResponse(
  tally: { items: number; failures: number; firstFailure: string | undefined },
  items: number,
  status: number,
  body: string,
): void {
  if (items > 0) {
    tally.items += items;

    return;
  }
  tally.failures += 1;
  tally.firstFailure ??= `${status} ${body.slice(0, 300)}`;
}

function lowerCased(headers: IncomingHttpHeaders | undefined): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

// The bench loads only its own service on this machine.
function assertLoopback(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`Refusing to load ${baseUrl}: the bench sends traffic to loopback only.`);
  }
}

/** Latencies of the samples, for percentiles. */
export function latenciesOf(samples: readonly Sample[]): number[] {
  return samples.map((sample) => sample.latencyMs);
}
