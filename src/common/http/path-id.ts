import { isRowId } from '../persistence/row-id.js';

/**
 * The id in a path such as `/members/12`. Anything that cannot be a row's id names nothing,
 * so it becomes 0, an id no row has: the lookup answers 404 as for any unknown id.
 */
export function pathId(raw: string): number {
  return /^[1-9]\d{0,15}$/.test(raw) && isRowId(Number(raw)) ? Number(raw) : 0;
}
