import { StoredEvent } from '../../event-store/src/index.js';
import { chasingJobsFor } from './chasing-jobs.js';
import { reportingTargetOf } from '../../reporting/src/reporting-target.js';
import { JOBS, ProjectCycleJob, ProjectReturnJob, QUEUES, SubmissionLinkMailJob } from './queues.js';

export interface OutboxJob {
  queue: (typeof QUEUES)[keyof typeof QUEUES];
  name: string;
  data: object;
  /** Derived from the event, so a redelivered batch enqueues the same job id and BullMQ drops the copy. */
  jobId: string;
}

/** Which jobs a stored event causes. Pure, so the relay can be replayed from any checkpoint. */
export function jobsFor(event: StoredEvent): OutboxJob[] {
  return [...reportingJobsFor(event), ...otherJobsFor(event), ...chasingJobsFor(event)];
}

/** The report's projection jobs: the same rule decides what a rebuild replays (see reportingTargetOf). */
function reportingJobsFor(event: StoredEvent): OutboxJob[] {
  const target = reportingTargetOf(event);
  if (!target) return [];
  const eventPosition = event.globalPosition;
  const [name, data]: [string, ProjectReturnJob | ProjectCycleJob] =
    target.kind === 'return'
      ? [JOBS.projectReturn, { returnId: target.id, eventPosition }]
      : [JOBS.projectCycle, { cycleId: target.id, eventPosition }];
  return [{ queue: QUEUES.reporting, name, data, jobId: `project-${eventPosition}` }];
}

function otherJobsFor(event: StoredEvent): OutboxJob[] {
  switch (event.type) {
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
