import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventProcessor, EventStore, ProcessorRunOptions } from '../../../libs/event-store/src/index.js';
import {
  projectReturnStatus,
  RETURN_STATUS_PROCESSOR,
  RETURN_STATUS_TABLES,
} from '../../../libs/chasing/src/index.js';
import { RELAY_OPTIONS } from './outbox-relay.service.js';

/**
 * Keeps the return-status read model the chase scheduler scans: a checkpointed processor whose writes and
 * checkpoint commit together, run by one worker process at a time.
 */
@Injectable()
export class ReturnStatusProjection implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly processor: EventProcessor;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(RELAY_OPTIONS) options: ProcessorRunOptions,
  ) {
    this.processor = new EventProcessor(
      dataSource,
      store,
      { name: RETURN_STATUS_PROCESSOR, batchSize: 500, handle: projectReturnStatus },
      { ...options, lockRetryMs: 2000 },
    );
  }

  onApplicationBootstrap(): void {
    this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.stop();
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
