import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EventProcessor,
  EventStore,
  ProcessorDefinition,
  ProcessorRunOptions,
} from '../../../libs/event-store/src/index.js';

/**
 * A read model kept by a checkpointed processor of its own, whose writes and checkpoint commit together, run by
 * one worker process at a time: started with the worker, stopped before its connections close.
 */
export abstract class ReadModelProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly processor: EventProcessor;

  protected constructor(
    protected readonly dataSource: DataSource,
    store: EventStore,
    options: ProcessorRunOptions,
    definition: ProcessorDefinition,
  ) {
    this.processor = new EventProcessor(dataSource, store, definition, { ...options, lockRetryMs: 2000 });
  }

  onApplicationBootstrap(): void {
    this.processor.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.stop();
  }
}
