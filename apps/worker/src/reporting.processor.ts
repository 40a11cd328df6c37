import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { JOBS, ProjectCycleJob, ProjectReturnJob, QUEUES } from '../../../libs/queues/src/index.js';
import { projectCycle, projectReturn, lockForJob } from '../../../libs/reporting/src/index.js';

/** Projects returns and cycles into the report tables. Safe to run twice: each job re-derives whole rows. */
@Processor(QUEUES.reporting, { concurrency: 8 })
export class ReportingProcessor extends WorkerHost {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {
    super();
  }

  async process(job: Job<ProjectReturnJob | ProjectCycleJob>): Promise<{ projected: string }> {
    const streamId =
      job.name === JOBS.projectCycle
        ? `cycle:${(job.data as ProjectCycleJob).cycleId}`
        : `return:${(job.data as ProjectReturnJob).returnId}`;
    await this.dataSource.transaction(async (manager) => {
      await lockForJob(manager, streamId);
      if (job.name === JOBS.projectCycle) {
        await projectCycle(this.store, manager, (job.data as ProjectCycleJob).cycleId);
      } else {
        await projectReturn(this.store, manager, (job.data as ProjectReturnJob).returnId);
      }
    });
    return { projected: streamId };
  }
}
