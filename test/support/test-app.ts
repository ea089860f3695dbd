import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { ClubsService } from '../../src/clubs/clubs.service.js';
import { SCOPES } from '../../src/clubs/domain/scopes.js';
import type { Scope } from '../../src/clubs/domain/scopes.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { AppConfig, DatabaseConfig } from '../../src/config/app-config.js';
import { GroupsService } from '../../src/groups/groups.service.js';

export type Env = Record<string, string | undefined>;

/** Refuses any database whose name does not say it is a throw-away test database. */
export function assertTestDatabase(database: DatabaseConfig): void {
  const name =
    database.type === 'sqlite' ? basename(database.path) : new URL(database.url).pathname.slice(1);
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against "${name}": not a test database.`);
  }
}

/** A fresh folder for one test file's SQLite database, removed by the returned function. */
export function makeTestDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'club-tool-test-'));

  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dir: string, env: Env = {}): AppConfig {
  const config = loadConfig({
    SQLITE_PATH: join(dir, 'club-tool-test.sqlite'),
    SEED_SAMPLE_CLUB: 'false',
    IDEMPOTENCY_WAIT_MS: '1000',
    ...env,
  });
  assertTestDatabase(config.database);

  return config;
}

export interface TestClub {
  id: number;
  slug: string;
  key: string;
  prefix: string;
  groupIds: number[];
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** A new club with a key of the given scopes (all by default) and groups. */
  club(options?: { scopes?: Scope[]; plan?: string; groups?: number }): Promise<TestClub>;
  key(slug: string, scopes: Scope[]): Promise<{ key: string; prefix: string }>;
  /** Runs SQL on the test database, for counts and for setting up states the API cannot. */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let clubCounter = 0;

/**
 * Boots the real application on a throw-away SQLite file, with the same pipes, guards and
 * filters as `main.ts`, and answers small factories for the fixtures a test needs.
 */
export async function startTestApp(env: Env = {}, inDir?: string): Promise<TestApp> {
  const made = inDir === undefined ? makeTestDir() : { dir: inDir, remove: () => undefined };
  const { dir, remove } = made;
  const config = testConfig(dir, env);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  await configureApp(app, config);
  const clubs = app.get(ClubsService);
  const groups = app.get(GroupsService);
  const dataSource = app.get(DataSource);

  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    async club(options = {}) {
      clubCounter += 1;
      const slug = `club-${process.pid}-${clubCounter}`;
      const club = await clubs.createClub({
        name: `Club ${clubCounter}`,
        slug,
        plan: options.plan,
      });
      const groupIds: number[] = [];
      for (let i = 0; i < (options.groups ?? 3); i++) {
        groupIds.push((await groups.create(club.id, `Groep ${i + 1}`)).id);
      }
      const issued = await clubs.createKey({
        clubSlug: slug,
        label: 'test',
        scopes: options.scopes ?? [...SCOPES],
      });

      return { id: club.id, slug, key: issued.key, prefix: issued.prefix, groupIds };
    },
    async key(slug, scopes) {
      const issued = await clubs.createKey({ clubSlug: slug, label: 'second', scopes });

      return { key: issued.key, prefix: issued.prefix };
    },
    sql: (query, parameters = []) => dataSource.query(query, parameters),
    async close() {
      await app.close();
      remove();
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
