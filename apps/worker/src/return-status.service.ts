import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, ProcessorRunOptions } from '../../../libs/event-store/src/index.js';
import {
  projectReturnStatus,
  RETURN_STATUS_PROCESSOR,
  RETURN_STATUS_TABLES,
} from '../../../libs/chasing/src/index.js';
import { RELAY_OPTIONS } from './outbox-relay.service.js';
import { ReadModelProcessor } from './read-model-processor.js';

/** Keeps the return-status read model the chase scheduler scans (see ReadModelProcessor). */
@Injectable()
export class ReturnStatusProjection extends ReadModelProcessor {
  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(RELAY_OPTIONS) options: ProcessorRunOptions,
  ) {
    super(dataSource, store, options, {
      name: RETURN_STATUS_PROCESSOR,
      batchSize: 500,
      handle: projectReturnStatus,
    });
  }

  /** Drops the read model and replays every event into it (stop other workers' copies first). */
  async rebuild(): Promise<number> {
    await this.processor.stop();
    await this.dataSource.transaction(async (m) => {
      await m.query(`TRUNCATE ${RETURN_STATUS_TABLES.join(', ')}`);
      await m.query(`DELETE FROM processor_checkpoints WHERE name = $1`, [RETURN_STATUS_PROCESSOR]);
    });
    const applied = await this.processor.drain();
    this.processor.start();
    return applied;
  }
}
