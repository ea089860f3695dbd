import assert from 'node:assert/strict';
import type { Response } from 'supertest';

export const DEFAULT_TYPE_BASE = 'https://developers.club-tool.nl/errors/';

// The reason phrases the contract's `title` must carry, written out rather than taken from
// the code under test.
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  required_scope?: string;
}

/**
 * Asserts that a response is the RFC 9457 problem document of the contract for `code`, sent
 * as `application/problem+json`, and answers the parsed document.
 *
 * @example
 * const problem = assertProblem(response, 404, 'not_found');
 * assert.equal(problem.detail, 'Lid 12 bestaat niet.');
 */
export function assertProblem(
  response: Response,
  status: number,
  code: string,
  typeBase = DEFAULT_TYPE_BASE,
): Problem {
  assert.equal(response.status, status, `expected ${status} ${code}, got: ${response.text}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json\b/);
  const problem = JSON.parse(response.text) as Problem;
  assert.equal(problem.type, `${typeBase}${code}`);
  assert.equal(problem.title, TITLES[status]);
  assert.equal(problem.status, status);
  assert.equal(typeof problem.detail, 'string');
  assert.ok(problem.detail.length > 0, 'detail is empty');

  return problem;
}

/** The sorted `field` of every entry of a `validation_failed` problem. */
export function fieldsOf(problem: Problem): string[] {
  assert.ok(Array.isArray(problem.errors), 'the problem has no errors list');

  return problem.errors.map((error) => error.field).sort();
}

/** The response body as the type the test expects. */
export function bodyOf<T>(response: Response): T {
  return response.body as T;
}
