import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

import { query } from './database.js';
import type { SqlConnection } from './database.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  system: string;
  /** Where the throw-away databases live (the temporary folder) and on what filesystem. */
  tmpDir: string;
  tmpFilesystem: string;
}

export interface Software {
  node: string;
  packages: Record<string, string>;
}

const PACKAGES = ['better-sqlite3', 'pg', 'typeorm', 'autocannon', '@nestjs/core'];

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const tmpDir = realpathSync(os.tmpdir());

  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    system: `${os.type()} ${os.release()} ${os.arch()}`,
    tmpDir,
    tmpFilesystem: filesystemOf(tmpDir),
  };
}

export function describeSoftware(): Software {
  const packages = Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)]));

  return { node: process.version, packages };
}

// From the package's own package.json, found above its entry point: not every package exports it.
function versionOf(name: string): string {
  try {
    let folder = dirname(createRequire(import.meta.url).resolve(name));
    while (folder !== dirname(folder)) {
      const manifest = join(folder, 'package.json');
      if (existsSync(manifest)) {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (parsed.name === name) {
          return parsed.version ?? 'unknown';
        }
      }
      folder = dirname(folder);
    }
  } catch {
    // Not installed or not resolvable: reported as unknown.
  }

  return 'unknown';
}

/** The database server's version and the settings that decide what a commit costs. */
export async function describeDatabase(connection: SqlConnection): Promise<Record<string, string>> {
  if (connection.kind === 'sqlite') {
    const [{ version }] = await query<{ version: string }>(
      connection,
      'SELECT sqlite_version() AS version',
    );

    return { SQLite: version };
  }
  const settings = [
    'server_version',
    'synchronous_commit',
    'fsync',
    'wal_sync_method',
    'shared_buffers',
  ];
  const described: Record<string, string> = {};
  for (const name of settings) {
    const [row] = await query<Record<string, string>>(connection, `SHOW ${name}`);
    described[name === 'server_version' ? 'PostgreSQL' : name] = row[name];
  }

  return described;
}

// The mount with the longest path that holds `path`, from /proc/mounts.
function filesystemOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter(
        (fields) =>
          fields.length > 2 &&
          (path === fields[1] || path.startsWith(`${fields[1].replace(/\/$/, '')}/`)),
      )
      .sort((a, b) => b[1].length - a[1].length);

    return mounts.length > 0 ? `${mounts[0][2]} (${mounts[0][0]} on ${mounts[0][1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}
