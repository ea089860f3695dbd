import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { METHODS } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { assertProblem } from './support/problem.js';
import { startService } from './support/service-process.js';
import type { ServiceProcess } from './support/service-process.js';
import { bearer, startTestApp } from './support/test-app.js';
import type { TestApp, TestClub } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

const run = promisify(execFile);

const BROWSER = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BROWSER_REQUIRED = process.env.CLUB_TOOL_REQUIRE_BROWSER === '1';
const NO_BROWSER =
  !existsSync(BROWSER) && !BROWSER_REQUIRED
    ? `no browser at ${BROWSER} (install chromium or set CHROMIUM_PATH; ` +
      'CLUB_TOOL_REQUIRE_BROWSER=1 makes this a failure)'
    : false;

const BULK_PATHS = ['/api/v1/members/bulk', '/api/v1/attendance/bulk'];
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
// Served by the reference itself, not part of the API it describes.
const REFERENCE_ROUTE = /^\/docs(\/|$)|^\/api\/v1\/openapi\.json$/;

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
}
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Schema }>;
}
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
  security?: Record<string, string[]>[];
}

function operationsOf(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}

const schemaAt = (document: Document, schema: Schema): Schema =>
  schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()!] : schema;

/** `GET /api/v1/members/{id}` for every route Express has, but catch-alls and the reference. */
function registeredRoutes(app: NestExpressApplication): string[] {
  const stack = (
    app.getHttpAdapter().getInstance() as unknown as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    }
  ).router.stack;

  return stack.flatMap(({ route }) => {
    const catchAll = route && METHODS.every((method) => route.methods[method.toLowerCase()]);
    if (!route || catchAll || REFERENCE_ROUTE.test(route.path)) {
      return [];
    }
    const methods = Object.keys(route.methods).filter((method) => route.methods[method]);

    return methods.map(
      (method) => `${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`,
    );
  });
}

// A value the list endpoints accept for a documented query parameter of this schema.
function sampleOf(schema: Schema): string {
  if (schema.enum) {
    return schema.enum[0];
  }
  if (schema.format === 'date') {
    return '2026-07-02';
  }

  return schema.format === 'date-time' ? '2026-07-02T19:00:00.000Z' : '1';
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  const stopped = await Promise.race([service.exited.then(() => true), sleep(10_000)]);
  if (!stopped) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}

void describe('the API reference', () => {
  let t: TestApp;
  let club: TestClub;
  let document: Document;

  before(async () => {
    t = await startTestApp();
    club = await t.club();
    document = (await t.http().get('/api/v1/openapi.json')).body as Document;
  });
  after(() => t.close());

  void it('serves the OpenAPI document as JSON without an API key', async () => {
    const response = await t.http().get('/api/v1/openapi.json');

    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^application\/json\b/);
    assert.equal(document.openapi, '3.1.0');
  });

  void it('serves a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();

    const result = await validator.validate(
      structuredClone(document) as unknown as Record<string, unknown>,
    );

    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      assert.ok(document.components.schemas[name], `dangling ${ref}`);
    }
  });

  void it('documents exactly the routes the application registered', () => {
    const registered = registeredRoutes(t.app as NestExpressApplication).sort();

    const documented = operationsOf(document)
      .map(([route]) => route)
      .sort();

    assert.ok(registered.includes('POST /api/v1/members/bulk'), 'the router stack was not read');
    assert.deepEqual(documented, registered);
  });

  void it('gives every operation a summary, a described answer and its problem documents', () => {
    for (const [route, operation] of operationsOf(document)) {
      assert.ok(operation.summary, `${route} has no summary`);
      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((status) => status.startsWith('2'));
      assert.ok(successes.length > 0, `${route} documents no success`);
      for (const status of successes) {
        const response = operation.responses[status];
        assert.ok(response.description, `${route} ${status} has no description`);
        if (status !== '204') {
          assert.ok(response.content?.['application/json']?.schema, `${route} ${status} no body`);
        }
      }

      assert.ok(statuses.includes('500'), `${route} documents no 500`);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const problem = operation.responses[status].content?.['application/problem+json'];
        assert.equal(problem?.schema.$ref, '#/components/schemas/Problem', `${route} ${status}`);
        assert.match(operation.responses[status].description, /^- `[a-z_]+`: /);
      }
    }
  });

  void it('describes the problem document of RFC 9457 with its field errors and scope', () => {
    const problem = document.components.schemas.Problem;

    assert.deepEqual(problem.required?.sort(), ['detail', 'status', 'title', 'type']);
    assert.deepEqual(Object.keys(problem.properties!).sort(), [
      'detail',
      'errors',
      'required_scope',
      'status',
      'title',
      'type',
    ]);
    const fieldError = schemaAt(document, problem.properties!.errors.items!);
    assert.deepEqual(fieldError.required?.sort(), ['field', 'message']);
  });

  void it('requires an Idempotency-Key on both bulk endpoints and answers per-item results', () => {
    for (const path of BULK_PATHS) {
      const operation = document.paths[path].post;

      const key = operation.parameters?.find(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      assert.equal(key?.required, true, `${path} does not require the key`);
      assert.match(operation.responses['400'].description, /`idempotency_key_required`/);
      assert.match(operation.responses['413'].description, /`payload_too_large`/);
      assert.match(operation.responses['409'].description, /`idempotency_key_reuse`/);

      const ok = operation.responses['200'];
      assert.ok(ok.headers?.['Idempotency-Replayed'], `${path} 200 lacks Idempotency-Replayed`);
      const batch = schemaAt(document, ok.content!['application/json'].schema);
      assert.deepEqual(batch.required?.sort(), ['failed', 'results', 'succeeded']);
      assert.equal(batch.properties!.succeeded.type, 'integer');
      assert.equal(batch.properties!.failed.type, 'integer');
      const item = schemaAt(document, batch.properties!.results.items!);
      assert.deepEqual(Object.keys(item.properties!).sort(), [
        'code',
        'error',
        'errors',
        'id',
        'status',
      ]);
      assert.deepEqual(item.required, ['status']);
      assert.ok(operation.requestBody, `${path} documents no body`);
    }
  });

  void it('documents an optional Idempotency-Key and the replay header on other writes', () => {
    const writes = operationsOf(document).filter(
      ([route]) =>
        WRITE_METHODS.includes(route.split(' ')[0].toLowerCase()) &&
        !BULK_PATHS.includes(route.split(' ')[1]),
    );

    assert.ok(writes.length >= 4);
    for (const [route, operation] of writes) {
      const key = operation.parameters?.find(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      assert.equal(key?.required, false, `${route} does not take an optional key`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith('2')) {
          assert.ok(response.headers?.['Idempotency-Replayed'], `${route} ${status}`);
        }
      }
    }
  });

  void it('documents the bearer key with its scopes, and no key for health', () => {
    const scheme = document.components.securitySchemes.api_key as Record<string, string>;

    assert.equal(scheme.type, 'http');
    assert.equal(scheme.scheme, 'bearer');
    assert.match(scheme.bearerFormat, /ct_live_/);
    assert.deepEqual(document.security, [{ api_key: [] }]);
    assert.deepEqual(document.paths['/api/v1/members/bulk'].post.security, [
      { api_key: ['members:write'] },
    ]);
    assert.match(
      document.paths['/api/v1/members'].get.responses['403'].description,
      /`insufficient_scope`/,
    );
    for (const path of ['/health', '/api/v1/health']) {
      const health = document.paths[path].get;
      assert.deepEqual(health.security, [{}]);
      assert.equal(health.responses['401'], undefined);
      assert.match(health.responses['503'].description, /`service_unavailable`/);
    }
  });

  void it('documents lists as pages, with query parameters the endpoints accept', async () => {
    const lists = operationsOf(document).filter(
      ([route, operation]) =>
        route.startsWith('GET ') && operation.parameters?.some((p) => p.name === 'limit'),
    );

    assert.deepEqual(lists.map(([route]) => route).sort(), [
      'GET /api/v1/attendance',
      'GET /api/v1/groups',
      'GET /api/v1/members',
    ]);
    for (const [route, operation] of lists) {
      const page = operation.responses['200'].content!['application/json'].schema;
      assert.deepEqual(page.required, ['data', 'has_more']);
      assert.equal(page.properties!.data.type, 'array');
      const query = Object.fromEntries(
        operation
          .parameters!.filter((p) => p.in === 'query')
          .map((p) => [p.name, sampleOf(p.schema!)]),
      );

      const path = route.slice('GET '.length);
      const accepted = await t.http().get(path).query(query).set(bearer(club.key));
      const unknown = await t.http().get(path).query({ undocumented: '1' }).set(bearer(club.key));

      assert.equal(
        accepted.status,
        200,
        `${route} refused its documented ${JSON.stringify(query)}`,
      );
      assertProblem(unknown, 400, 'bad_request');
    }
  });

  void it('answers 404 not_found for a path under /docs the reference does not serve', async () => {
    const response = await t.http().get('/docs/LICENSE');

    assertProblem(response, 404, 'not_found');
  });

  void it(
    'renders /docs in headless Chromium with an operation block per route, bulk ones included',
    { skip: NO_BROWSER },
    async () => {
      assert.ok(
        existsSync(BROWSER),
        `CLUB_TOOL_REQUIRE_BROWSER=1, but there is no browser at ${BROWSER}`,
      );
      const database = await createTestDatabase();
      const service = await startService(database.env);
      const profile = mkdtempSync(join(tmpdir(), 'club-tool-chromium-'));
      try {
        const { stdout } = await run(
          BROWSER,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-dev-shm-usage',
            // Loopback only, whatever the page or the browser would reach for.
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
            `--user-data-dir=${profile}`,
            '--virtual-time-budget=15000',
            '--dump-dom',
            `${service.baseUrl}/docs`,
          ],
          { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
        );

        // What Swagger UI rendered, not the scripts that carry the document.
        const dom = stdout.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
        const blocks = [
          ...dom.matchAll(/class="opblock opblock-(\w+)"[^>]*>[\s\S]*?data-path="([^"]+)"/g),
        ].map(([, method, path]) => `${method.toUpperCase()} ${path}`);

        assert.match(dom, /<h1 class="title">Club-tool API/);
        for (const path of BULK_PATHS) {
          assert.ok(blocks.includes(`POST ${path}`), `no operation block for POST ${path}`);
        }
        assert.deepEqual(
          blocks.sort(),
          operationsOf(document)
            .map(([route]) => route)
            .sort(),
        );
      } finally {
        await stop(service);
        rmSync(profile, { recursive: true, force: true });
        await database.drop();
      }
    },
  );
});
