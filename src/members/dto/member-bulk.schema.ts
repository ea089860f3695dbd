import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';

import { MAX_BATCH_ITEMS } from '../../idempotency/domain/batch-envelope.js';
import { CreateMemberDto } from './create-member.dto.js';
import { UpdateMemberDto } from './update-member.dto.js';

// The bulk body is read item by item by the service, not by the validation pipe: these classes
// only describe it.

@ApiSchema({ name: 'MemberCreateOperation' })
export class MemberCreateOperationSchema {
  @ApiProperty({ enum: ['create'] })
  op: 'create';

  @ApiProperty({ type: CreateMemberDto })
  data: CreateMemberDto;
}

@ApiSchema({ name: 'MemberUpdateOperation' })
export class MemberUpdateOperationSchema {
  @ApiProperty({ enum: ['update'] })
  op: 'update';

  @ApiProperty({ type: 'integer', minimum: 1 })
  id: number;

  @ApiProperty({ type: UpdateMemberDto })
  data: UpdateMemberDto;
}

@ApiSchema({ name: 'MemberDeleteOperation' })
export class MemberDeleteOperationSchema {
  @ApiProperty({ enum: ['delete'] })
  op: 'delete';

  @ApiProperty({ type: 'integer', minimum: 1 })
  id: number;
}

const OPERATIONS = {
  create: MemberCreateOperationSchema,
  update: MemberUpdateOperationSchema,
  delete: MemberDeleteOperationSchema,
};

@ApiSchema({ name: 'MemberBulkRequest' })
@ApiExtraModels(...Object.values(OPERATIONS))
export class MemberBulkRequestSchema {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    description: 'Applied one after another, in array order, each in its own transaction.',
    items: {
      oneOf: Object.values(OPERATIONS).map((operation) => ({ $ref: getSchemaPath(operation) })),
      discriminator: {
        propertyName: 'op',
        mapping: Object.fromEntries(
          Object.entries(OPERATIONS).map(([op, operation]) => [op, getSchemaPath(operation)]),
        ),
      },
    },
  })
  operations: unknown[];
}
