import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { TextHoldingEventStore } from './text-holding-event-store.js';

/**
 * The app's event store (in place of libs/event-store's own module): the same store, with the free texts of
 * returns held apart so that they can be redacted (see TextHoldingEventStore).
 */
@Global()
@Module({
  providers: [
    {
      provide: EventStore,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new TextHoldingEventStore(ds),
    },
  ],
  exports: [EventStore],
})
export class TextHoldingEventStoreModule {}
