/**
 * The largest id a row can have: ids are `integer` columns, 32 bits on PostgreSQL. A larger
 * number names no row, and PostgreSQL refuses to compare it with an integer column at all,
 * so such a number must never reach a query.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** Whether `value` can be the id of a row. */
export function isRowId(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_ROW_ID;
}
