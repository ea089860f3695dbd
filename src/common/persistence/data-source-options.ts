import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';

import type { DatabaseConfig } from '../../config/app-config.js';
import { useTimestampType } from './timestamp-column.js';

const SRC_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The TypeORM options for either database, shared by the service, the command-line tool and
 * the migration CLI. The schema comes only from migrations; `synchronize` is never used.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: [`${SRC_ROOT}**/*.entity.js`],
    migrations: [`${SRC_ROOT}database/migrations/*.js`],
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };

  if (database.type === 'postgres') {
    useTimestampType('postgres');

    return {
      ...common,
      type: 'postgres',
      url: database.url,
      poolSize: database.poolMax,
      connectTimeoutMS: database.connectTimeoutMs,
      extra: {
        idleTimeoutMillis: database.idleTimeoutMs,
        statement_timeout: database.statementTimeoutMs,
      },
    };
  }

  useTimestampType('sqlite');
  mkdirSync(dirname(database.path), { recursive: true });

  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    // WAL lets the command-line tool read while the service writes. FULL syncs the WAL on
    // every commit, so a committed item survives a power cut, not only a crashed process.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${database.synchronous}`);
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
