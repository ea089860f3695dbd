import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

import type { FieldError } from '../../common/errors/domain-error.js';
import { FieldErrorSchema } from '../../common/openapi/problem-responses.js';
import type { BatchResult, ItemResult } from '../batch-runner.js';
import { MAX_BATCH_ITEMS } from '../domain/batch-envelope.js';

/** How a bulk endpoint run by the batch runner behaves, for its description. */
export const BATCH_RULES = [
  'Items run one after another in array order, each committed in its own transaction: a ' +
    'failing item never undoes another, and what succeeded stays. There is no all-or-nothing mode.',
  'The whole request is refused, with nothing applied and nothing stored under the key, when ' +
    'the key is missing or malformed, the body is unreadable, the array is empty or holds more ' +
    `than ${MAX_BATCH_ITEMS} items, or authentication, plan or scope fails.`,
  'A 500 says nothing about how far the batch got: retry with the same key, which applies only ' +
    'the items that were not applied yet and answers the full results.',
].join('\n\n');

@ApiSchema({ name: 'ItemResult', description: 'What became of one item of a batch.' })
export class ItemResultSchema implements ItemResult {
  @ApiProperty({
    type: 'integer',
    description: 'The status the item would have had on its own: 2xx applied, else its error.',
    example: 201,
  })
  status: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'The id of what the item touched, where there is one.',
    example: 137,
  })
  id?: number;

  @ApiPropertyOptional({ description: 'A failed item: its error code.', example: 'not_found' })
  code?: string;

  @ApiPropertyOptional({
    description: 'A failed item: its error, for people (Dutch).',
    example: 'Lid 12 bestaat niet.',
  })
  error?: string;

  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'With `validation_failed`: the rejected fields, by their path inside the item.',
  })
  errors?: FieldError[];
}

@ApiSchema({
  name: 'BatchResult',
  description:
    'One result per item, in the order of the items; `succeeded + failed` is their count.',
})
export class BatchResultSchema implements BatchResult {
  @ApiProperty({ type: [ItemResultSchema], description: '`results[i]` answers item `i`.' })
  results: ItemResultSchema[];

  @ApiProperty({ type: 'integer', description: 'How many items answered 2xx.', example: 2 })
  succeeded: number;

  @ApiProperty({ type: 'integer', description: 'How many did not.', example: 1 })
  failed: number;
}
