import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { MEMBER_STATUSES } from '../domain/member.js';
import type { MemberStatus, MemberView } from '../domain/member.js';

@ApiSchema({ name: 'Member' })
export class MemberSchema implements MemberView {
  @ApiProperty({ type: 'integer', example: 137 })
  id: number;

  @ApiProperty({ example: 'Sanne de Vries' })
  name: string;

  @ApiProperty({ type: 'string', format: 'email', nullable: true, example: 'sanne@example.nl' })
  email: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: '06 12345678' })
  phone: string | null;

  @ApiProperty({ type: 'string', format: 'date', nullable: true, example: '2012-03-14' })
  date_of_birth: string | null;

  @ApiProperty({ enum: [...MEMBER_STATUSES] })
  status: MemberStatus;

  @ApiProperty({
    type: 'array',
    items: { type: 'integer' },
    description: "The member's groups, ascending.",
    example: [1, 3],
  })
  group_ids: number[];

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Moves only when a write changed something.',
    example: '2026-07-02T19:00:00.000Z',
  })
  updated_at: string;
}
