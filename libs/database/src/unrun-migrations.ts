import { DataSource } from 'typeorm';
import { addressOf, DependencyError } from '../../config/src/index.js';
import { databaseName } from './database-url.js';

/**
 * The names of this build's migrations that have not run on the database, read from TypeORM's own table without
 * writing anything (TypeORM's showMigrations would create that table on a database that has none).
 */
export async function unrunMigrations(dataSource: DataSource): Promise<string[]> {
  const names = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ there }] = await dataSource.query<{ there: boolean }[]>(
    `SELECT to_regclass($1) IS NOT NULL AS there`,
    [table],
  );
  if (!there) return names;
  const run = new Set(
    (await dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`)).map((r) => r.name),
  );
  return names.filter((name) => !run.has(name));
}

/**
 * A command that only reads refuses a schema older than its build rather than migrate it: an operator who points
 * `log:verify` at production must not change production's schema. One line, naming what is behind.
 */
export function schemaBehind(databaseUrl: string, unrun: string[], total: number): DependencyError {
  const where = `"${databaseName(databaseUrl)}" at ${addressOf(databaseUrl, 5432)}`;
  if (unrun.length === total)
    return new DependencyError(
      'DATABASE_URL',
      `database ${where} holds no Partner Returns schema (none of its ${total} migrations has run): ` +
        'nothing was changed (is the name right?)',
    );
  return new DependencyError(
    'DATABASE_URL',
    `the schema of ${where} is older than this release (${unrun.length} of ${total} migrations not run, ` +
      `the first ${unrun[0]}): this command only reads and does not migrate, so nothing was changed; ` +
      "start this release's api or worker on it to migrate it, or run the release that matches it",
  );
}
