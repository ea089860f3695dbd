import { ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import type { ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import type { ValidatorOptions } from 'class-validator';

import { BadRequestError, ValidationFailedError } from '../errors/domain-error.js';
import { toFieldErrors } from './validation-errors.js';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The global pipe: the same rules and the same error as {@link validateInput}. A body that is
 * not a JSON object is unreadable rather than invalid, so it answers `bad_request`.
 */
export class InputValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATOR_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && !isPlainObject(value)) {
      throw new BadRequestError('De body moet een JSON-object zijn.');
    }

    return super.transform(value, metadata);
  }
}

/**
 * Validates one plain object against a DTO class, as the global pipe does for a body, for
 * input that arrives inside a larger body (a bulk item).
 *
 * @example
 * const data = await validateInput(CreateMemberDto, item.data); // throws ValidationFailedError
 */
export async function validateInput<T extends object>(
  type: ClassConstructor<T>,
  plain: object,
): Promise<T> {
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    throw new ValidationFailedError(toFieldErrors(errors));
  }

  return instance;
}
