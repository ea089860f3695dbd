import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import type { KeyState } from '../domain/idempotency-key.js';

const STATES: KeyState[] = ['in_progress', 'completed'];

@ApiSchema({ name: 'IdempotencyKey', description: 'What a request with this key did.' })
export class IdempotencyKeySchema {
  @ApiProperty({ example: 'first-import-1' })
  key: string;

  @ApiProperty({ enum: STATES })
  state: KeyState;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ description: 'With the query string.', example: '/api/v1/members/bulk' })
  path: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The stored status; null while in progress.',
    example: 200,
  })
  response_status: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'How many items the batch holds; null for a single write.',
    example: 3,
  })
  items_total: number | null;

  @ApiProperty({ type: 'integer', description: 'The items applied so far.', example: 3 })
  items_done: number;

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the key is forgotten: 24 hours after its first use.',
    example: '2026-07-03T19:00:00.000Z',
  })
  expires_at: string;
}
