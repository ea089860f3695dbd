import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { Env } from './test-app.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote so far, stdout and stderr together. */
  output: () => string;
  /** What the process wrote so far to stdout alone, and to stderr alone. */
  stdout: () => string;
  stderr: () => string;
  /** Waits for the process to end, after a signal or by itself. */
  exited: Promise<number | null>;
  /** Waits for the process to end and for its output to be read to the last line. */
  closed: Promise<number | null>;
}

function spawnService(env: Env) {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      SEED_SAMPLE_CLUB: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const written = { all: '', stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    written.all += chunk.toString();
    written.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    written.all += chunk.toString();
    written.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));

  return { child, written, exited, closed };
}

/**
 * Starts the built service as its own process on a free loopback port, and resolves once it
 * listens. The environment is the test's alone: nothing of the parent's database settings.
 */
export async function startService(env: Env): Promise<ServiceProcess> {
  const { child, written, exited, closed } = spawnService(env);
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`service did not start:\n${written.all}`)),
      20_000,
    );
    const onData = () => {
      const match = /listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(written.all);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${written.all}`));
    });
  });

  return {
    child,
    baseUrl,
    output: () => written.all,
    stdout: () => written.stdout,
    stderr: () => written.stderr,
    exited,
    closed,
  };
}

/** Runs the built service until it ends by itself, as it does on a bad configuration. */
export async function runServiceUntilExit(
  env: Env,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, written, closed } = spawnService(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await closed;
  clearTimeout(timer);

  return { code, stdout: written.stdout, stderr: written.stderr };
}
