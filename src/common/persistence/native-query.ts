import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * Runs one SQL statement written with `:name` parameters on either database, inside the
 * transaction of `manager`, and answers the rows it returns. The driver turns the names into
 * its own placeholders and its own encoding of dates and booleans, as the query builder does;
 * for statements it cannot build, such as an upsert with `RETURNING`.
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
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    // The structured result has the same shape on every driver; the plain one does not (a
    // PostgreSQL DELETE answers [rows, count]).
    const result = await runner.query(query, values, true);

    return (result.records ?? []) as T[];
  } finally {
    if (runner !== manager.queryRunner) {
      await runner.release();
    }
  }
}
