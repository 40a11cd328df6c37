import { StoredEvent } from '../../event-store/src/index.js';
import { CycleEvent } from '../../returns/src/cycle/cycle.events.js';
import { JOBS, ProjectApprovedReturnJob, QUEUES, ReturnsRequestedMailJob } from './queues.js';

export interface OutboxJob {
  queue: (typeof QUEUES)[keyof typeof QUEUES];
  name: string;
  data: object;
  /** Derived from the event, so a redelivered batch enqueues the same job id and BullMQ drops the copy. */
  jobId: string;
}

/** Which jobs a stored event causes. Pure, so the relay can be replayed from any checkpoint. */
export function jobsFor(event: StoredEvent): OutboxJob[] {
  switch (event.type) {
    case 'ReturnApproved': {
      const returnId = event.streamId.replace(/^return:/, '');
      const data: ProjectApprovedReturnJob = { returnId, eventPosition: event.globalPosition };
      return [
        {
          queue: QUEUES.reporting,
          name: JOBS.projectApprovedReturn,
          data,
          jobId: `project-${event.globalPosition}`,
        },
      ];
    }
    case 'CycleOpened': {
      const cycleId = event.streamId.replace(/^cycle:/, '');
      const opened = event.data as Extract<CycleEvent, { type: 'CycleOpened' }>['data'];
      const agencies = [...new Set(opened.returns.map((r) => r.agencyId))];
      return agencies.map((agencyId) => {
        const data: ReturnsRequestedMailJob = { cycleId, agencyId, eventPosition: event.globalPosition };
        return {
          queue: QUEUES.mail,
          name: JOBS.returnsRequestedMail,
          data,
          jobId: `requested-${event.globalPosition}-${agencyId}`,
        };
      });
    }
    default:
      return [];
  }
}
