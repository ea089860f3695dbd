import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import type { GroupView } from '../groups.service.js';

@ApiSchema({ name: 'Group' })
export class GroupSchema implements GroupView {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'Jeugd' })
  name: string;

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2026-07-02T19:00:00.000Z' })
  updated_at: string;
}
