import { DataSource } from 'typeorm';
import { DatabaseSchema, dataSourceOptions } from './data-source-options.js';
import { ensureDatabase } from './ensure-database.js';

/**
 * Creates the database if missing, connects, and brings the schema up to date. An advisory lock makes the api,
 * the worker and a CLI starting together take turns instead of racing the same migrations.
 */
export async function openDatabase(databaseUrl: string, schema: DatabaseSchema): Promise<DataSource> {
  await ensureDatabase(databaseUrl);
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, schema));
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
