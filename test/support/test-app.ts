import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { basename } from 'node:path';
import request from 'supertest';

import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { ClubsService } from '../../src/clubs/clubs.service.js';
import { SCOPES } from '../../src/clubs/domain/scopes.js';
import type { Scope } from '../../src/clubs/domain/scopes.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { GroupsService } from '../../src/groups/groups.service.js';
import { assertTestDatabaseName, createTestDatabase } from './test-database.js';
import type { Env, TestDatabase } from './test-database.js';

export type { Env };

/** The configuration of a test app on the given database, with settings for tests. */
export function testConfig(database: TestDatabase, env: Env = {}): AppConfig {
  const config = loadConfig({
    SEED_SAMPLE_CLUB: 'false',
    IDEMPOTENCY_WAIT_MS: '1000',
    ...database.env,
    ...env,
  });
  const name =
    config.database.type === 'sqlite'
      ? basename(config.database.path)
      : new URL(config.database.url).pathname.slice(1);
  assertTestDatabaseName(name);

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
  database: TestDatabase;
  /** Runs SQL (`?` placeholders) on the test database: counts, and states the API cannot make. */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let clubCounter = 0;

/**
 * Boots the real application on a throw-away SQLite file, with the same pipes, guards and
 * filters as `main.ts`, and answers small factories for the fixtures a test needs.
 */
export async function startTestApp(env: Env = {}, shared?: TestDatabase): Promise<TestApp> {
  const database = shared ?? (await createTestDatabase());
  const config = testConfig(database, env);
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
    database,
    sql: (query, parameters = []) => database.query(query, parameters),
    async close() {
      await app.close();
      if (!shared) {
        await database.drop();
      }
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * A club with a key of every scope on the given database, made through a test app that is
 * closed again: for tests whose service runs as its own process.
 */
export async function seedClub(database: TestDatabase): Promise<TestClub> {
  const seeding = await startTestApp({}, database);
  try {
    return await seeding.club();
  } finally {
    await seeding.app.close();
  }
}
