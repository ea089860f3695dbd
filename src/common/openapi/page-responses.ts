import { applyDecorators } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiQuery, getSchemaPath } from '@nestjs/swagger';

import { DEFAULT_LIMIT, MAX_LIMIT } from '../pagination/list-query.js';
import type { Parser, QueryValueSchema } from '../pagination/list-query.js';
import { ApiProblems } from './problem-responses.js';

const schemaOf = ({ enum: allowed, ...schema }: QueryValueSchema) =>
  allowed ? { ...schema, enum: [...allowed] } : schema;

/**
 * Documents a list endpoint read by `readListQuery`: its filters (described by their parsers)
 * and the page parameters as query parameters, and a 200 `{data, has_more}` page of `model`.
 *
 * @example
 * @Get()
 * @ApiPage(MemberSchema, LIST_FILTERS, { status: 'Only members with this status.' })
 * list(@Query() query: Record<string, unknown>) { ... }
 */
export function ApiPage<S extends Record<string, Parser<unknown>>>(
  model: Type<unknown>,
  filters: S,
  descriptions: Record<keyof S, string>,
) {
  return applyDecorators(
    ApiExtraModels(model),
    ...Object.entries(filters).map(([name, parse]) =>
      ApiQuery({
        name,
        required: false,
        description: descriptions[name],
        schema: schemaOf(parse.schema),
      }),
    ),
    ApiQuery({
      name: 'limit',
      required: false,
      description: 'How many rows a page holds at most.',
      schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
    }),
    ApiQuery({
      name: 'starting_after',
      required: false,
      description: 'The last id of the previous page; the page starts after it.',
      schema: { type: 'integer', minimum: 1 },
    }),
    ApiOkResponse({
      description: 'One page, in ascending id order.',
      schema: {
        type: 'object',
        required: ['data', 'has_more'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          has_more: {
            type: 'boolean',
            description: 'Whether another page follows: ask for it with `starting_after`.',
          },
        },
      },
    }),
    ApiProblems('bad_request'),
  );
}
