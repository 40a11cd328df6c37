import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventProcessor, EventStore, ProcessorRunOptions } from '../../../libs/event-store/src/index.js';
import { REPORTING_PROCESSOR, reportingReadModel } from '../../../libs/reporting/src/index.js';
import { RELAY_OPTIONS } from './outbox-relay.service.js';

/**
 * Keeps the reporting tables (the live report, its exports, the BI views): a checkpointed processor whose rows
 * and checkpoint commit together, run by one worker process at a time. The outbox relay once handed these
 * updates to Redis as jobs; emptied while some waited, Redis took them with it (an operator's test: a cycle
 * opened then showed 0 measures until a rebuild). Now nothing the report owes is held anywhere but the log.
 */
@Injectable()
export class ReportingProjection implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly processor: EventProcessor;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(RELAY_OPTIONS) options: ProcessorRunOptions,
  ) {
    const model = reportingReadModel(store);
    this.processor = new EventProcessor(
      dataSource,
      store,
      {
        name: REPORTING_PROCESSOR,
        batchSize: 200,
        handle: (events, manager) => model.apply(events, manager),
      },
      { ...options, lockRetryMs: 2000 },
    );
  }

  onApplicationBootstrap(): void {
    this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.stop();
  }
}
