import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { memberCreates as creates, waitFor } from './support/batches.js';
import { runServiceUntilExit, startService } from './support/service-process.js';
import { slowMemberInserts } from './support/contention.js';
import type { ServiceProcess } from './support/service-process.js';
import { seedClub } from './support/test-app.js';
import type { TestClub } from './support/test-app.js';
import { TEST_DB_KIND, createTestDatabase } from './support/test-database.js';
import type { TestDatabase } from './support/test-database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface LogLine {
  level: string;
  timestamp: number;
  message: string;
  context?: string;
  requestId?: string;
  clubId?: number;
  idempotencyKey?: string;
  method?: string;
  path?: string;
  status?: number | null;
  durationMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every non-empty line of the text as JSON; fails naming the first line that is not. */
function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        assert.fail(`not a JSON line: ${line}`);
      }
    });
}

const logOf = (service: ServiceProcess) => [
  ...jsonLines(service.stdout()),
  ...jsonLines(service.stderr()),
];

const accessLineOf = (service: ServiceProcess, requestId: string) =>
  logOf(service).find((line) => line.requestId === requestId && line.durationMs !== undefined);

function send(
  service: ServiceProcess,
  path: string,
  options: { method?: string; key?: string; body?: object; headers?: Record<string, string> } = {},
) {
  return fetch(`${service.baseUrl}${path}`, {
    method: options.method ?? (options.body ? 'POST' : 'GET'),
    headers: {
      ...(options.key ? { Authorization: `Bearer ${options.key}` } : {}),
      ...(options.body ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
}

async function keyRow(db: TestDatabase, key: string) {
  const [row] = await db.query<{ state: string; items_done: number }>(
    'SELECT state, items_done FROM idempotency_keys WHERE key = ?',
    [key],
  );

  return row;
}

/**
 * A request whose headers and first half of its body are sent now, and the rest on `finish`,
 * which answers the raw response once the server closes the connection.
 */
function startSlowRequest(baseUrl: string, key: string) {
  const { hostname, port } = new URL(baseUrl);
  const body = JSON.stringify({ name: 'Laatkomer' });
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const ended = new Promise<string>((resolve, reject) => {
    socket.once('close', () => resolve(received));
    socket.once('error', reject);
  });
  socket.write(
    `POST /api/v1/members HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      `Authorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nX-Request-Id: slow-1\r\n\r\n${body.slice(0, 5)}`,
  );

  return {
    finish: () => {
      socket.write(body.slice(5));

      return ended;
    },
  };
}

describe('the logs of a running service', () => {
  let db: TestDatabase;
  let club: TestClub;
  let service: ServiceProcess;

  before(async () => {
    db = await createTestDatabase();
    club = await seedClub(db);
    service = await startService({ ...db.env, LOG_LEVEL: 'debug' });
  });
  after(async () => {
    service?.child.kill('SIGTERM');
    await service?.exited;
    await db?.drop();
  });

  it('writes every line as one JSON object with a level, a timestamp and a message', async () => {
    const ids = ['json-1', 'json-2', 'json-3', 'json-4', 'json-5'];
    await send(service, '/health', { headers: { 'X-Request-Id': ids[0] } });
    await send(service, '/api/v1/club', { headers: { 'X-Request-Id': ids[1] } });
    await send(service, '/api/v1/club', { key: club.key, headers: { 'X-Request-Id': ids[2] } });
    await send(service, '/nergens', { headers: { 'X-Request-Id': ids[3] } });
    await send(service, '/api/v1/members', {
      key: club.key,
      body: { name: '' },
      headers: { 'X-Request-Id': ids[4] },
    });
    await waitFor(() => ids.every((id) => accessLineOf(service, id)));

    const lines = logOf(service);

    assert.ok(lines.length > 5);
    for (const line of lines) {
      assert.equal(typeof line.level, 'string', JSON.stringify(line));
      assert.equal(typeof line.timestamp, 'number', JSON.stringify(line));
      assert.equal(typeof line.message, 'string', JSON.stringify(line));
    }
    assert.ok(lines.some((line) => line.level === 'debug' && line.requestId === ids[4]));
  });

  it('logs one access line per request: method, path without query, status and duration', async () => {
    await send(service, '/api/v1/members?limit=2&status=active', {
      key: club.key,
      headers: { 'X-Request-Id': 'access-1' },
    });
    await waitFor(() => accessLineOf(service, 'access-1') !== undefined);

    const access = logOf(service).filter(
      (line) => line.requestId === 'access-1' && line.durationMs !== undefined,
    );

    assert.equal(access.length, 1);
    assert.equal(access[0].level, 'log');
    assert.equal(access[0].method, 'GET');
    assert.equal(access[0].path, '/api/v1/members');
    assert.equal(access[0].status, 200);
    assert.equal(typeof access[0].durationMs, 'number');
    assert.equal(access[0].clubId, club.id);
    assert.doesNotMatch(access[0].message, /limit|status=/);
  });

  it('echoes a well-formed X-Request-Id and answers a malformed or missing one with a new UUID', async () => {
    const given = async (id?: string) =>
      (await send(service, '/health', { headers: id ? { 'X-Request-Id': id } : {} })).headers.get(
        'x-request-id',
      );

    const wellFormed = await given('Trace-7.a:b_c-1');
    const tooLong = await given('x'.repeat(101));
    const withSlash = await given('a/b');
    const withSpace = await given('a b');
    const missing = await given();

    assert.equal(wellFormed, 'Trace-7.a:b_c-1');
    for (const id of [tooLong, withSlash, withSpace, missing]) {
      assert.match(id ?? '', UUID);
    }
    assert.equal(new Set([tooLong, withSlash, withSpace, missing]).size, 4);
  });

  it('sends X-Request-Id on problem documents and on replays, each its own request id', async () => {
    const problem = await send(service, '/api/v1/members', {
      headers: { 'X-Request-Id': 'problem-1' },
    });
    const write = (requestId?: string) =>
      send(service, '/api/v1/members', {
        key: club.key,
        body: { name: 'Herhaald' },
        headers: {
          'Idempotency-Key': 'replay-request-id-1',
          ...(requestId ? { 'X-Request-Id': requestId } : {}),
        },
      });

    const first = await write('first-1');
    const replay = await write('second-1');
    const replayWithout = await write();

    assert.equal(problem.status, 401);
    assert.match(problem.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(problem.headers.get('x-request-id'), 'problem-1');
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('x-request-id'), 'first-1');
    assert.equal(replay.headers.get('idempotency-replayed'), 'true');
    assert.equal(replay.headers.get('x-request-id'), 'second-1');
    assert.equal(replayWithout.headers.get('idempotency-replayed'), 'true');
    assert.match(replayWithout.headers.get('x-request-id') ?? '', UUID);
    assert.equal(await replay.text(), await first.text());
  });

  it('names the request, club and key on every line of a bulk request, and no API key or member data', async () => {
    const names = Array.from({ length: 5 }, (_, i) => `Geheime Naam ${i}`);
    const emails = names.map((_, i) => `geheim.${i}@example.nl`);
    const body = {
      operations: [
        ...names.map((name, i) => ({ op: 'create', data: { name, email: emails[i] } })),
        { op: 'update', id: 999_999, data: { name: 'Nooit Gezien' } },
      ],
    };

    const response = await send(service, '/api/v1/members/bulk', {
      key: club.key,
      body,
      headers: { 'Idempotency-Key': 'bulk-log-key-1', 'X-Request-Id': 'bulk-log-1' },
    });
    await waitFor(() => accessLineOf(service, 'bulk-log-1') !== undefined);

    const lines = logOf(service).filter((line) => line.requestId === 'bulk-log-1');
    const everything = service.output();

    assert.equal(response.status, 200);
    assert.ok(lines.length >= 2, JSON.stringify(lines));
    assert.ok(lines.some((line) => /Item 5 .*failed: not_found/.test(line.message)));
    for (const line of lines) {
      assert.equal(line.clubId, club.id, JSON.stringify(line));
      assert.equal(line.idempotencyKey, 'bulk-log-key-1', JSON.stringify(line));
    }
    assert.ok(!everything.includes(club.key), 'the API key is in the log');
    const hash = createHash('sha256').update(club.key).digest();
    assert.ok(!everything.includes(hash.toString('hex')), 'the key hash is in the log');
    assert.ok(!everything.includes(hash.toString('base64')), 'the key hash is in the log');
    for (const secret of [...names, ...emails, 'Nooit Gezien']) {
      assert.ok(!everything.includes(secret), `${secret} is in the log`);
    }
  });
});

describe('a SIGTERM while a 100-item batch runs', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let stateAtSignal: string | undefined;
  let batch: { status: number; results: unknown[]; succeeded: number };
  let newConnection: string;
  let slowAnswer: string;
  let exitCode: number | null;

  before(async () => {
    db = await createTestDatabase();
    const club = await seedClub(db);
    await slowMemberInserts(db, 20);
    service = await startService(db.env);
    const answer = send(service, '/api/v1/members/bulk', {
      key: club.key,
      body: creates(100, 'Afgemaakt'),
      headers: { 'Idempotency-Key': 'drain-1' },
    }).then(async (response) => ({
      status: response.status,
      ...((await response.json()) as { results: unknown[]; succeeded: number }),
    }));
    await waitFor(async () => ((await keyRow(db, 'drain-1'))?.items_done ?? 0) >= 10, 30_000);
    const slow = startSlowRequest(service.baseUrl, club.key);
    await sleep(50);

    stateAtSignal = (await keyRow(db, 'drain-1')).state;
    service.child.kill('SIGTERM');
    await waitFor(() => /Draining/.test(service.stdout()));
    newConnection = await fetch(`${service.baseUrl}/health`).then(
      (response) => `answered ${response.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    slowAnswer = await slow.finish();
    batch = await answer;
    exitCode = await service.closed;
  });
  after(async () => {
    service?.child.kill('SIGKILL');
    await db?.drop();
  });

  it('lets the batch finish: the client gets its 200 with 100 results', () => {
    assert.equal(stateAtSignal, 'in_progress');
    assert.equal(batch.status, 200);
    assert.equal(batch.results.length, 100);
    assert.equal(batch.succeeded, 100);
  });

  it('stores the batch: the key is completed and the 100 members exist', async () => {
    const key = await keyRow(db, 'drain-1');
    const [members] = await db.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM members WHERE name LIKE 'Afgemaakt %'",
    );

    assert.equal(key.state, 'completed');
    assert.equal(Number(key.items_done), 100);
    assert.equal(Number(members.n), 100);
  });

  it('exits with code 0 once the running requests are answered', () => {
    const messages = logOf(service).map((line) => line.message);

    assert.equal(exitCode, 0);
    assert.ok(messages.indexOf('Every running request finished') > -1, messages.join('\n'));
    assert.ok(
      messages.indexOf('club-tool-api stopped') >
        messages.indexOf('Every running request finished'),
    );
  });

  it('refuses new connections while it drains', () => {
    assert.equal(newConnection, 'ECONNREFUSED');
  });

  it('answers a request still arriving when the drain starts with a 503 problem document', () => {
    const [head, body] = slowAnswer.split('\r\n\r\n');

    assert.match(head, /^HTTP\/1\.1 503 /);
    assert.match(head, /\r\nContent-Type: application\/problem\+json/i);
    assert.match(head, /\r\nConnection: close/i);
    assert.match(head, /\r\nX-Request-Id: slow-1/i);
    assert.match(JSON.parse(body).type, /\/service_unavailable$/);
  });
});

describe('a stop that outlasts SHUTDOWN_TIMEOUT_MS', () => {
  let db: TestDatabase;
  let service: ServiceProcess;

  before(async () => {
    db = await createTestDatabase();
    const club = await seedClub(db);
    await slowMemberInserts(db, 20);
    service = await startService({ ...db.env, SHUTDOWN_TIMEOUT_MS: '50' });
    void send(service, '/api/v1/members/bulk', {
      key: club.key,
      body: creates(100, 'Te laat'),
      headers: { 'Idempotency-Key': 'too-slow-1' },
    }).catch(() => undefined);
    await waitFor(async () => ((await keyRow(db, 'too-slow-1'))?.items_done ?? 0) >= 5, 30_000);
  });
  after(async () => {
    service?.child.kill('SIGKILL');
    await db?.drop();
  });

  it('gives up on the running batch, logs that, and exits with code 1', async () => {
    service.child.kill('SIGTERM');
    const code = await service.closed;

    const errors = logOf(service).filter((line) => line.level === 'error');
    assert.equal(code, 1);
    assert.ok(
      errors.some((line) => /SHUTDOWN_TIMEOUT_MS/.test(line.message)),
      JSON.stringify(errors),
    );
    assert.equal((await keyRow(db, 'too-slow-1')).state, 'in_progress');
  });
});

describe('a bad configuration value', () => {
  let db: TestDatabase;

  // The embedded database whatever the suite's: SQLITE_SYNCHRONOUS is read only without
  // DATABASE_URL.
  before(async () => (db = await createTestDatabase('sqlite')));
  after(() => db.drop());

  const cases: [string, string][] = [
    ['PORT', 'abc'],
    ['SQLITE_SYNCHRONOUS', 'OFF'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
  ];
  for (const [name, value] of cases) {
    it(`stops the start with exit code 1 and a message naming ${name} (${name}=${value})`, async () => {
      const run = await runServiceUntilExit({ ...db.env, [name]: value }, 10_000);

      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`\\b${name}\\b`));
      assert.doesNotMatch(run.stdout, /listens on/);
    });
  }
});

const embeddedOnly =
  TEST_DB_KIND === 'sqlite' ? false : 'the sample club is made only on the embedded database';

describe('the first start on an empty embedded database', { skip: embeddedOnly }, () => {
  let db: TestDatabase;

  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  it('prints the banner for people as plain text, and every other line as JSON', async () => {
    const service = await startService({ ...db.env, SEED_SAMPLE_CLUB: 'true' });
    await send(service, '/health');
    service.child.kill('SIGTERM');
    await service.closed;

    const stdout = service.stdout();
    const start = stdout.indexOf('A sample club was created');
    const end = stdout.indexOf('\n', stdout.indexOf("  -d '"));
    assert.ok(start > 0 && end > start, stdout);
    const banner = stdout.slice(start, end);
    assert.match(banner, /^ {2}ct_live_[0-9A-Za-z]{32}$/m);
    assert.doesNotMatch(banner, /"level"/);
    const lines = [
      ...jsonLines(stdout.slice(0, start)),
      ...jsonLines(stdout.slice(end)),
      ...jsonLines(service.stderr()),
    ];
    assert.ok(lines.some((line) => /listens on/.test(line.message)));
    assert.ok(lines.some((line) => line.message === 'club-tool-api stopped'));
  });
});
