import { NotFoundError } from '../../common/errors/domain-error.js';

export class GroupNotFoundError extends NotFoundError {
  constructor(id: number | string) {
    super(`Groep ${id} bestaat niet.`);
  }
}
