import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../../../libs/queues/src/index.js';

/**
 * Reporting jobs queued by an earlier release. The reporting tables are kept by ReportingProjection now, a
 * checkpointed processor that reads every event from the log (from the first, on its first start), so a job
 * left in Redis has nothing to do: it is taken and done, and never writes a row a later event has moved on from.
 */
@Processor(QUEUES.reporting, { concurrency: 8 })
export class ReportingProcessor extends WorkerHost {
  async process(job: Job): Promise<{ projected: null; by: string }> {
    return { projected: null, by: `the reporting processor (job ${job.id} left by an earlier release)` };
  }
}
