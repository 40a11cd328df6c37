import { DataSourceOptions } from 'typeorm';

/**
 * What the database holds: every migration in order, and the TypeORM entities. Each lib owns its own; the apps
 * compose them (apps/composition), so this lib knows no feature.
 */
export interface DatabaseSchema {
  migrations: NonNullable<DataSourceOptions['migrations']>;
  entities: NonNullable<DataSourceOptions['entities']>;
}

export function dataSourceOptions(
  databaseUrl: string,
  schema: DatabaseSchema,
  extra: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: schema.migrations,
    entities: schema.entities,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // A connection that PostgreSQL does not complete in 10 s (stalled, or starting up) fails instead of holding
    // its request for as long as the stall lasts; so does a wait for a free one of the 20.
    extra: { max: 20, application_name: 'partner-returns', connectionTimeoutMillis: 10_000 },
    ...extra,
  } as DataSourceOptions;
}
