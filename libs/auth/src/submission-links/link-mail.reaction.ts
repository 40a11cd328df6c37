import { StoredEvent } from '../../../event-store/src/index.js';
import { passwordMailJobsFor } from '../passwords/password-mail.reaction.js';
import { JOBS, OutboxJob, QUEUES, Reaction, SubmissionLinkMailJob } from '../../../queues/src/index.js';

/** An issued submission link is mailed to its contact (SendLinkMail). */
function linkMailJobsFor(event: StoredEvent): OutboxJob[] {
  if (event.type !== 'SubmissionLinkIssued') return [];
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

/** Which jobs an event causes for auth. */
export const AUTH_REACTIONS: readonly Reaction[] = [linkMailJobsFor, passwordMailJobsFor];
