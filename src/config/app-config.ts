import { resolve } from 'node:path';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string; synchronous: 'FULL' | 'NORMAL' }
  | {
      type: 'postgres';
      url: string;
      poolMax: number;
      connectTimeoutMs: number;
      idleTimeoutMs: number;
      statementTimeoutMs: number;
    };

export interface IdempotencyConfig {
  leaseMs: number;
  waitMs: number;
  retentionMs: number;
  purgeIntervalMs: number;
}

export interface RateLimitConfig {
  /** Requests one API key may make per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

export interface LogConfig {
  /** One JSON object per line, or Nest's text lines for people. */
  format: 'json' | 'pretty';
  /** The least severe level written: `debug` writes everything. */
  level: 'error' | 'warn' | 'log' | 'debug';
}

export interface AppConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  problemTypeBase: string;
  bodyLimitBytes: number;
  seedSampleClub: boolean;
  idempotency: IdempotencyConfig;
  rateLimit: RateLimitConfig;
  log: LogConfig;
  /** How long a stop waits for running requests before it gives up and exits with 1. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const HOUR_MS = 60 * 60 * 1000;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
  }

  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const match = allowed.find((value) => value.toLowerCase() === raw.toLowerCase());
  if (match === undefined) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }

  return match;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`${name} must be "true" or "false", got "${raw}".`);
  }

  return raw === 'true';
}

function database(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://.');
    }

    return {
      type: 'postgres',
      url,
      poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
      connectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
      idleTimeoutMs: integer(env, 'DATABASE_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
      statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
    };
  }

  return {
    type: 'sqlite',
    path: resolve(env.SQLITE_PATH || './data/club-tool.sqlite'),
    synchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
  };
}

/**
 * Reads and validates every setting of the service from the environment, once, at boot.
 * Nothing else in the code reads `process.env`.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError naming a bad variable
 */
export function loadConfig(env: Env): AppConfig {
  const problemTypeBase = env.PROBLEM_TYPE_BASE || 'https://developers.club-tool.nl/errors/';

  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    database: database(env),
    problemTypeBase: problemTypeBase.endsWith('/') ? problemTypeBase : `${problemTypeBase}/`,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    seedSampleClub: flag(env, 'SEED_SAMPLE_CLUB', true),
    idempotency: {
      leaseMs: integer(env, 'IDEMPOTENCY_LEASE_MS', 5000, 200, 60_000),
      waitMs: integer(env, 'IDEMPOTENCY_WAIT_MS', 5000, 0, 60_000),
      retentionMs: 24 * HOUR_MS,
      purgeIntervalMs: integer(env, 'IDEMPOTENCY_PURGE_INTERVAL_MS', 60_000, 100, 24 * HOUR_MS),
    },
    rateLimit: {
      max: integer(env, 'RATE_LIMIT_MAX', 1200, 0, 1_000_000),
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 24 * HOUR_MS),
    },
    log: {
      format: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
      level: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 1, 600_000),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
