import type { DomainError } from '../errors/domain-error.js';
import { isRowId } from '../persistence/row-id.js';

/**
 * The id in a path such as `/members/12`. Anything that cannot be a row's id names nothing,
 * so it answers `notFound` of what was asked, as the lookup of an unknown id does.
 *
 * @example
 * this.members.get(clubId, pathId(raw, (asked) => new MemberNotFoundError(asked)));
 */
export function pathId(raw: string, notFound: (asked: string) => DomainError): number {
  if (/^[1-9]\d{0,15}$/.test(raw) && isRowId(Number(raw))) {
    return Number(raw);
  }

  throw notFound(raw);
}
