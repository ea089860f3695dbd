import { NotFoundError, ValidationFailedError } from '../../common/errors/domain-error.js';

export class MemberNotFoundError extends NotFoundError {
  constructor(id: number | string) {
    super(`Lid ${id} bestaat niet.`);
  }
}

export class UnknownGroupsError extends ValidationFailedError {
  constructor(ids: number[]) {
    super([{ field: 'group_ids', message: `Geen groep van deze club: ${ids.join(', ')}.` }]);
  }
}
