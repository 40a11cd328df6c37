import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { DatabaseSchema, dataSourceOptions } from './data-source-options.js';
import { openDatabase } from './open-database.js';

/** PostgreSQL for the whole app: the DataSource, migrated at start-up to the schema the app is composed of. */
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
          }),
          dataSourceFactory: async (options) => openDatabase((options as { url: string }).url, schema),
        }),
      ],
    };
  }
}
