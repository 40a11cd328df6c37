import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { ProjectApprovedReturnJob, QUEUES } from '../../../libs/queues/src/index.js';
import { projectApprovedReturn } from '../../../libs/reporting/src/project-approved-return/project-approved-return.js';

/** Projects approved returns into the report tables. Safe to run twice: the projection is an idempotent upsert. */
@Processor(QUEUES.reporting, { concurrency: 8 })
export class ReportingProcessor extends WorkerHost {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {
    super();
  }

  async process(job: Job<ProjectApprovedReturnJob>): Promise<{ written: boolean }> {
    const written = await this.dataSource.transaction((manager) =>
      projectApprovedReturn(this.store, manager, job.data.returnId),
    );
    return { written };
  }
}
