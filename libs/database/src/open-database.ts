import { DataSource } from 'typeorm';
import { DatabaseSchema, dataSourceOptions } from './data-source-options.js';
import { ensureDatabase } from './ensure-database.js';
import { withQueryTimeout } from './query-timeout.js';
import { schemaBehind, unrunMigrations } from './unrun-migrations.js';

/**
 * Creates the database if missing, connects, and brings the schema up to date. An advisory lock makes the api,
 * the worker and a CLI starting together take turns instead of racing the same migrations.
 *
 * With `queryTimeoutMs` (the api and the worker, see withQueryTimeout) the DataSource returned gives up on a
 * statement that takes longer; the migrations still run on one without it, and the wait for another process's
 * migrations too, since either may take minutes. Without it (the CLI scripts) no statement is cut short.
 *
 * `create: false` refuses a database that does not exist rather than making it (see ensureDatabase).
 *
 * `migrate: false` (the commands that only read: log:verify, log:digest, processors status) changes nothing: a
 * schema older than this build is refused in one line (schemaBehind) instead of migrated, and a missing database
 * is never created. They used to migrate whatever they were pointed at, production included.
 */
export async function openDatabase(
  databaseUrl: string,
  schema: DatabaseSchema,
  options: { queryTimeoutMs?: number; create?: boolean; migrate?: boolean } = {},
): Promise<DataSource> {
  if (options.migrate === false) return openUnmigrated(databaseUrl, schema, options.queryTimeoutMs);
  await ensureDatabase(databaseUrl, { create: options.create });
  const migrated = await migrate(new DataSource(dataSourceOptions(databaseUrl, schema)));
  if (options.queryTimeoutMs === undefined) return migrated;
  await migrated.destroy();
  const serving = new DataSource(
    withQueryTimeout(dataSourceOptions(databaseUrl, schema), options.queryTimeoutMs),
  );
  await serving.initialize();
  return serving;
}

async function openUnmigrated(
  databaseUrl: string,
  schema: DatabaseSchema,
  queryTimeoutMs: number | undefined,
): Promise<DataSource> {
  await ensureDatabase(databaseUrl, { create: false });
  const options = dataSourceOptions(databaseUrl, schema);
  const dataSource = new DataSource(
    queryTimeoutMs === undefined ? options : withQueryTimeout(options, queryTimeoutMs),
  );
  await dataSource.initialize();
  try {
    const unrun = await unrunMigrations(dataSource);
    if (unrun.length > 0) throw schemaBehind(databaseUrl, unrun, dataSource.migrations.length);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource): Promise<DataSource> {
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(hashtextextended('partner-returns:migrations', 0))`);
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  } finally {
    await runner
      .query(`SELECT pg_advisory_unlock(hashtextextended('partner-returns:migrations', 0))`)
      .catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}
