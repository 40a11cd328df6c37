import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store.js';

/** The event store on the app's DataSource (which DatabaseModule provides), for every module of the app. */
@Global()
@Module({
  providers: [
    { provide: EventStore, inject: [DataSource], useFactory: (ds: DataSource) => new EventStore(ds) },
  ],
  exports: [EventStore],
})
export class EventStoreModule {}
