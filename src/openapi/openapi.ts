import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, SecurityRequirementObject } from '@nestjs/swagger';

import { API_KEY_SCHEME } from '../clubs/http/auth.decorators.js';
import type { ErrorCode } from '../common/errors/domain-error.js';
import {
  ProblemSchema,
  problemsByStatus,
  withProblems,
} from '../common/openapi/problem-responses.js';
import { REPLAYED_HEADER } from '../idempotency/idempotency.interceptor.js';
import { KEY_HEADER } from '../idempotency/idempotent.decorator.js';

/** Where the document and the reference are served, outside the API key guard. */
export const OPENAPI_JSON_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/docs';

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const DESCRIPTION = `The public API of Club-tool: a club's members, groups and attendance.

- **Keys.** Send \`Authorization: Bearer ct_live_…\`. A key belongs to one club; another club's \
ids answer as ids that do not exist. A \`:write\` scope implies its \`:read\`.
- **Errors** are \`application/problem+json\` (RFC 9457). Checks run in this order: 401, then 403 \
(plan, demo, scope), then everything else. A path that exists with another method answers 405 \
\`method_not_allowed\` with \`Allow\`.
- **Idempotency.** Every write takes an \`Idempotency-Key\` (the bulk endpoints require one): a \
retry with the same key and request within 24 hours replays the stored answer byte for byte, \
with \`Idempotency-Replayed: true\`, and nothing runs twice.
- **Lists** are pages \`{"data": [...], "has_more": …}\` in ascending id order: pass the last id \
as \`starting_after\` for the next page.`;

const REPLAYED = {
  description: 'Present, as `true`, when this is the stored answer of an earlier request.',
  schema: { type: 'string', const: 'true' },
};

/**
 * The OpenAPI 3.1 document of the application, from the decorators of its controllers and
 * DTOs, completed with what the global pipeline answers on every route: the API key checks and
 * the rate limit where a key is needed, a 500, and the replay header on idempotent writes.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Club-tool API')
    .setVersion('1')
    .setDescription(DESCRIPTION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'ct_live_ followed by 32 base62 characters',
        description: 'An API key of the club, made with `club-tool keys create`.',
      },
      API_KEY_SCHEME,
    )
    .addSecurityRequirements(API_KEY_SCHEME)
    .addTag('Members', 'The members of the club, one by one or in batches of up to 100.')
    .addTag('Attendance', 'Who attended which group on which day.')
    .addTag('Groups', 'Read-only here; memberships are written through members.')
    .addTag('Club', 'The club of the calling key.')
    .addTag('Idempotency keys', 'What a request with an `Idempotency-Key` did.')
    .addTag('Health', 'For load balancers; no key needed.')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemSchema],
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
  delete document.servers;

  for (const pathItem of Object.values(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = pathItem[method];
      if (operation) {
        completeOperation(operation, method, document.security ?? []);
      }
    }
  }

  return document;
}

function completeOperation(
  operation: OperationObject,
  method: (typeof OPERATION_METHODS)[number],
  documentSecurity: SecurityRequirementObject[],
): void {
  const security = operation.security ?? documentSecurity;
  const needsKey = security.length > 0 && security.every((r) => r[API_KEY_SCHEME] !== undefined);
  const codes: ErrorCode[] = ['internal_error'];
  if (needsKey) {
    codes.push('unauthenticated', 'upgrade_required', 'rate_limit_exceeded');
    if (method !== 'get') {
      codes.push('plan_expired', 'demo_read_only');
    }
    if (security.some((requirement) => requirement[API_KEY_SCHEME].length > 0)) {
      codes.push('insufficient_scope');
    }
  }
  for (const [status, group] of problemsByStatus(codes)) {
    operation.responses[status] = withProblems(operation.responses[status], group);
  }

  const idempotent = operation.parameters?.some(
    (parameter) => 'in' in parameter && parameter.in === 'header' && parameter.name === KEY_HEADER,
  );
  if (idempotent) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status.startsWith('2') && response && !('$ref' in response)) {
        response.headers = { ...response.headers, [REPLAYED_HEADER]: REPLAYED };
      }
    }
  }
}

/**
 * Serves the document at {@link OPENAPI_JSON_PATH} and Swagger UI at {@link DOCS_PATH}, on the
 * HTTP server itself: neither goes through the API key guard. Call it before `app.init()`, so
 * that these routes come before the application's not-found answers.
 */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, createOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Club-tool API reference',
    // The UI would otherwise send the document to an online validator.
    swaggerOptions: { validatorUrl: null },
  });
}
