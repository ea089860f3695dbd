import { readFileSync } from 'node:fs';

import { startService } from '../test/support/service-process.js';
import type { BenchDatabase, Env } from './database.js';

const STOP_TIMEOUT_MS = 15_000;

/**
 * Environment of every service process of the bench, beside its database. Durability is the
 * service's default (SQLITE_SYNCHRONOUS is not set: FULL). The rate limit is off because the
 * bench sends far more than a client's budget per minute; it would answer 429, not measure.
 */
export const SERVICE_ENV: Env = { RATE_LIMIT_MAX: '0' };

export interface BenchService {
  baseUrl: string;
  pid: number;
  output(): string;
  /** Resident memory of the service process, from /proc/<pid>/status (VmRSS). */
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Starts the built service as its own process on the bench database, on 127.0.0.1. */
export async function startBenchService(database: BenchDatabase, env: Env = {}) {
  const service = await startService({ ...database.env, ...SERVICE_ENV, ...env });
  const pid = service.child.pid!;

  return {
    baseUrl: service.baseUrl,
    pid,
    output: service.output,
    rssBytes: () => residentBytes(pid),
    stop: async () => {
      service.child.kill('SIGTERM');
      const stopped = await Promise.race([
        service.exited.then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS)),
      ]);
      if (!stopped) {
        service.child.kill('SIGKILL');
        await service.exited;
      }
    },
  } satisfies BenchService;
}

/** Runs `work` on a fresh service process and stops it after, whatever happens. */
export async function withService<T>(
  database: BenchDatabase,
  env: Env,
  work: (service: BenchService) => Promise<T>,
): Promise<T> {
  const service = await startBenchService(database, env);
  try {
    return await work(service);
  } finally {
    await service.stop();
  }
}

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) {
    throw new Error(`No VmRSS in /proc/${pid}/status`);
  }

  return Number(match[1]) * 1024;
}
