import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs a statement every request makes (a session lookup, a stream read) as a named prepared statement on a
 * pooled pg connection: PostgreSQL parses and plans it once per connection, and TypeORM's per-call query
 * runner is skipped. Measured on the commands over HTTP, where these run on every request.
 */
export async function preparedQuery<Row>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  return (await pool.query<Row & QueryResultRow>({ name, text, values })).rows;
}
