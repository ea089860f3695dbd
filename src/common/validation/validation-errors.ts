import type { ValidationError } from 'class-validator';

import type { FieldError } from '../errors/domain-error.js';

// Constraints that class-validator raises by itself, with English messages; every DTO
// decorator carries its own Dutch message.
const DUTCH_BY_CONSTRAINT: Record<string, string> = {
  whitelistValidation: 'Dit veld bestaat niet.',
  unknownValue: 'Onbekende waarde.',
};

// When a value breaks several rules, the one about its presence or type says most.
const FIRST = ['isDefined', 'isString', 'isArray', 'isBoolean', 'isInt', 'isIn'];

/** Flattens class-validator's tree into the contract's `errors`: one entry per field path. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    const first =
      FIRST.map((name) => constraints.find(([c]) => c === name)).find(Boolean) ?? constraints[0];
    const own = first ? [{ field, message: DUTCH_BY_CONSTRAINT[first[0]] ?? first[1] }] : [];

    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}
