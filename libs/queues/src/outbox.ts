import { StoredEvent } from '../../event-store/src/index.js';
import type { OwedMailJob } from '../../mail/src/ledger/owed-mails.js';
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

/**
 * The mail an event owes: its jobs on the mail queue, recorded in owed_mails so Redis is never their only record.
 * Mail is owed only where an event says so (links issued, a chase recorded with its recipients, a return submitted
 * or sent back): a cycle whose events say none, such as a past year recorded later, owes no mail.
 */
export function mailOwedBy(event: StoredEvent): OwedMailJob[] {
  return jobsFor(event)
    .filter((j) => j.queue === QUEUES.mail)
    .map((j) => ({ jobId: j.jobId, name: j.name, data: j.data, eventPosition: event.globalPosition }));
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
