import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { DatabaseSchema, dataSourceOptions } from './data-source-options.js';
import { openDatabase } from './open-database.js';

/**
 * PostgreSQL for the whole app: the DataSource, migrated at start-up to the schema the app is composed of. Its
 * statements give up after DATABASE_QUERY_TIMEOUT_MS (see withQueryTimeout); the migrations do not.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          // No retries: openDatabase says in one line what is wrong (DATABASE_URL), and the process exits.
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.databaseUrl, schema),
            toRetry: () => false,
            // For openDatabase, below: TypeORM passes the options on to the factory.
            queryTimeoutMs: config.databaseQueryTimeoutMs,
          }),
          dataSourceFactory: async (options) => {
            const { url, queryTimeoutMs } = options as unknown as { url: string; queryTimeoutMs: number };
            return openDatabase(url, schema, { queryTimeoutMs });
          },
        }),
      ],
    };
  }
}
