import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, ProcessorRunOptions } from '../../../libs/event-store/src/index.js';
import { REPORTING_PROCESSOR, reportingReadModel } from '../../../libs/reporting/src/index.js';
import { RELAY_OPTIONS } from './outbox-relay.service.js';
import { ReadModelProcessor } from './read-model-processor.js';

/**
 * Keeps the reporting tables (the live report, its exports, the BI views; see ReadModelProcessor). The outbox
 * relay once handed these updates to Redis as jobs; emptied while some waited, Redis took them with it (an
 * operator's test: a cycle opened then showed 0 measures until a rebuild). Now nothing the report owes is held
 * anywhere but the log.
 */
@Injectable()
export class ReportingProjection extends ReadModelProcessor {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(RELAY_OPTIONS) options: ProcessorRunOptions,
  ) {
    const model = reportingReadModel(store);
    super(dataSource, store, options, {
      name: REPORTING_PROCESSOR,
      batchSize: 200,
      handle: (events, manager) => model.apply(events, manager),
    });
  }
}
