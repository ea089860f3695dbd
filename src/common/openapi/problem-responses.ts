import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  DECORATORS,
  getSchemaPath,
} from '@nestjs/swagger';
import type { HeadersObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';

import { STATUS_OF } from '../errors/domain-error.js';
import type { ErrorCode, FieldError } from '../errors/domain-error.js';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details.filter.js';

@ApiSchema({ name: 'FieldError', description: 'One rejected field of a `validation_failed`.' })
export class FieldErrorSchema implements FieldError {
  @ApiProperty({
    description: 'The path of the field inside the body (or the bulk item), such as `data.email`.',
    example: 'name',
  })
  field: string;

  @ApiProperty({ description: 'Why it was rejected, in Dutch.', example: 'Is verplicht.' })
  message: string;
}

@ApiSchema({ name: 'Problem', description: 'Every error, as a problem document (RFC 9457).' })
export class ProblemSchema {
  @ApiProperty({
    format: 'uri',
    description: 'Ends with the error code; the base is configurable.',
    example: 'https://developers.club-tool.nl/errors/not_found',
  })
  type: string;

  @ApiProperty({ description: 'The HTTP reason phrase.', example: 'Not Found' })
  title: string;

  @ApiProperty({ type: 'integer', description: 'The HTTP status.', example: 404 })
  status: number;

  @ApiProperty({ description: 'For people; Dutch.', example: 'Lid 12 bestaat niet.' })
  detail: string;

  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'Only with `validation_failed`: one entry per rejected field.',
  })
  errors?: FieldError[];

  @ApiPropertyOptional({
    description: 'Only with `insufficient_scope`: the scope the key lacks.',
    example: 'members:write',
  })
  required_scope?: string;
}

const MEANING: Record<ErrorCode, string> = {
  bad_request:
    'the request is unreadable: bad JSON, wrong top-level shape, bad query parameter or header',
  validation_failed: 'readable but rejected; `errors` names every rejected field',
  idempotency_key_required: 'a bulk request came without an `Idempotency-Key`',
  unauthenticated: 'the API key is missing, unknown, revoked or past its rotation grace period',
  forbidden: 'authenticated but not allowed',
  insufficient_scope: 'the key lacks the scope of this endpoint; `required_scope` names it',
  upgrade_required: 'the club is not on the `pro` plan',
  plan_expired: "the club's subscription has expired: reads work, writes do not",
  demo_read_only: 'a demo club can only read',
  not_found: 'no such resource, or one of another club',
  method_not_allowed: 'the path exists, not with this method (see `Allow`)',
  conflict: 'the request conflicts with the state of the resource',
  idempotency_key_reuse: 'the key was used before with a different request',
  idempotency_key_in_progress:
    "the key's first request is still running: send the same request with the same key again " +
    'after `Retry-After` seconds, never with a new key',
  payload_too_large: 'the body is over the byte limit, or a bulk request holds over 100 items',
  rate_limit_exceeded: 'too many requests with this key; retry after `Retry-After` seconds',
  service_unavailable: 'the database does not answer',
  internal_error: 'something unexpected failed; safe to retry with the same `Idempotency-Key`',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
} satisfies HeadersObject;

const HEADERS: Partial<Record<ErrorCode, HeadersObject>> = {
  unauthenticated: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } } },
  method_not_allowed: {
    Allow: { description: 'The methods the path has.', schema: { type: 'string' } },
  },
  idempotency_key_in_progress: RETRY_AFTER,
  rate_limit_exceeded: RETRY_AFTER,
};

const CODES = Object.keys(STATUS_OF) as ErrorCode[];

const LINE = /^- `(\w+)`/;
const lineOf = (code: ErrorCode) => `- \`${code}\`: ${MEANING[code]}`;

/**
 * Adds error codes to the response for their status: a problem document whose description
 * lists every code it may carry, one per line. An existing problem response there keeps its
 * codes; any other response there is replaced.
 */
export function withProblems(
  response: ResponseObject | ReferenceObject | undefined,
  codes: readonly ErrorCode[],
): ResponseObject {
  const problem =
    response && !('$ref' in response) && response.content?.[PROBLEM_CONTENT_TYPE]
      ? response
      : undefined;
  const earlier = (problem?.description.split('\n') ?? []).map((line) => LINE.exec(line)?.[1]);
  const all = CODES.filter((code) => codes.includes(code) || earlier.includes(code));
  const headers = Object.assign({}, ...all.map((code) => HEADERS[code] ?? {})) as HeadersObject;

  return {
    description: all.map(lineOf).join('\n'),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemSchema) } } },
  };
}

/** The codes grouped by their HTTP status, in the order of the error table. */
export function problemsByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of CODES.filter((known) => codes.includes(known))) {
    groups.set(STATUS_OF[code], [...(groups.get(STATUS_OF[code]) ?? []), code]);
  }

  return groups;
}

/**
 * Documents the problem documents a route answers, by error code: one response per status,
 * listing its codes. Declarations on one route add up, so that a composed decorator (such as
 * `@Idempotent()`) declares the codes it adds beside those of the route.
 *
 * @example
 * @Get(':id')
 * @ApiProblems('not_found')
 * show(@Param('id') id: string) { ... }
 */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator {
  return (target, key, descriptor) => {
    const handler = descriptor.value as object;
    const responses = {
      ...(Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as Record<string, ResponseObject>),
    };
    for (const [status, group] of problemsByStatus(codes)) {
      responses[status] = withProblems(responses[status], group);
    }
    Reflect.defineMetadata(DECORATORS.API_RESPONSE, responses, handler);
    ApiExtraModels(ProblemSchema)(target, key, descriptor);
  };
}
