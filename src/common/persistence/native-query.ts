import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * Runs one SQL statement written with `:name` parameters on either database. The driver turns
 * the names into its own placeholders and its own encoding of dates and booleans, as the
 * query builder does; for statements it cannot build, such as an upsert with `RETURNING`.
 *
 * @example
 * await nativeQuery(manager, 'DELETE FROM t WHERE id = :id RETURNING id', { id });
 */
export async function nativeQuery<T = ObjectLiteral>(
  manager: EntityManager,
  sql: string,
  parameters: ObjectLiteral,
): Promise<T[]> {
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);

  return manager.query<T[]>(query, values);
}
