import { StoredEvent } from '../../event-store/src/index.js';
import { chasingJobsFor } from './chasing-jobs.js';
import { JOBS, ProjectApprovedReturnJob, QUEUES, SubmissionLinkMailJob } from './queues.js';

export interface OutboxJob {
  queue: (typeof QUEUES)[keyof typeof QUEUES];
  name: string;
  data: object;
  /** Derived from the event, so a redelivered batch enqueues the same job id and BullMQ drops the copy. */
  jobId: string;
}

/** Which jobs a stored event causes. Pure, so the relay can be replayed from any checkpoint. */
export function jobsFor(event: StoredEvent): OutboxJob[] {
  return [...otherJobsFor(event), ...chasingJobsFor(event)];
}

function otherJobsFor(event: StoredEvent): OutboxJob[] {
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
    case 'SubmissionLinkIssued': {
      const data: SubmissionLinkMailJob = {
        cycleId: event.streamId.replace(/^cycle:/, ''),
        linkId: (event.data as { linkId: string }).linkId,
        eventPosition: event.globalPosition,
      };
      return [
        {
          queue: QUEUES.mail,
          name: JOBS.submissionLinkMail,
          data,
          jobId: `link-mail-${event.globalPosition}`,
        },
      ];
    }
    default:
      return [];
  }
}
