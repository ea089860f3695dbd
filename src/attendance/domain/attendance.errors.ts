import { NotFoundError } from '../../common/errors/domain-error.js';

export class AttendanceMemberNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`Lid ${id} bestaat niet.`);
  }
}

export class AttendanceGroupNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`Groep ${id} bestaat niet.`);
  }
}
