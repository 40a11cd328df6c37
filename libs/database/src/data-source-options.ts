import { DataSourceOptions } from 'typeorm';
import { EventStore1764000000000 } from '../../event-store/src/index.js';

/** Every migration of the product, in order. Read-model libraries add theirs here. */
export const MIGRATIONS = [EventStore1764000000000];

export function dataSourceOptions(
  databaseUrl: string,
  extra: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: 20, application_name: 'partner-returns' },
    ...extra,
  } as DataSourceOptions;
}
