import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { EventStore } from '../../event-store/src/index.js';
import { dataSourceOptions } from './data-source-options.js';
import { openDatabase } from './open-database.js';

/** PostgreSQL for the whole app: the DataSource (migrated at start-up) and the event store on it. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          // No retries: openDatabase says in one line what is wrong (DATABASE_URL), and the process exits.
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.databaseUrl),
            toRetry: () => false,
          }),
          dataSourceFactory: async (options) => openDatabase((options as { url: string }).url),
        }),
      ],
      providers: [
        { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds) },
      ],
      exports: [EventStore],
    };
  }
}
