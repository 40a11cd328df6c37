import { StoredEvent } from '../../event-store/src/index.js';
import {
  CHASING_JOBS,
  chaseAgencyJob,
  OutboxJob,
  QUEUES,
  Reaction,
  MessageNoticeJob,
  ReturnNoticeJob,
} from '../../queues/src/index.js';
import { ChaseEvent } from './chase/chase.events.js';
import { chaseMailJobFor } from './chase-mail/chase-mail-job.js';

/** The jobs chasing and its notices need from a stored event. */
function chasingJobsFor(event: StoredEvent): OutboxJob[] {
  const [, cycleId, agencyId] = event.streamId.split(':');
  switch (event.type) {
    case 'ChaseRequested':
      return [chaseAgencyJob({ cycleId, agencyId, step: `now-${event.version}`, kind: 'now' })];
    case 'AgencyChased': {
      const d = event.data as Extract<ChaseEvent, { type: 'AgencyChased' }>['data'];
      return d.recipients.map((r) => chaseMailJobFor({ cycleId, agencyId, step: d.step }, r));
    }
    case 'ReturnSentBack':
    case 'ReturnSubmitted': {
      const data: ReturnNoticeJob = {
        returnId: event.streamId.replace(/^return:/, ''),
        version: event.version,
        eventPosition: event.globalPosition,
      };
      const sentBack = event.type === 'ReturnSentBack';
      return [
        {
          queue: QUEUES.mail,
          name: sentBack ? CHASING_JOBS.sentBackMail : CHASING_JOBS.submittedMail,
          data,
          jobId: `${sentBack ? 'sent-back' : 'submitted'}-${event.globalPosition}`,
        },
      ];
    }
    case 'ReturnMessagePosted': {
      const data: MessageNoticeJob = {
        returnId: event.streamId.replace(/^conversation:/, ''),
        version: event.version,
        eventPosition: event.globalPosition,
      };
      return [
        {
          queue: QUEUES.mail,
          name: CHASING_JOBS.messageMail,
          data,
          jobId: `message-${event.globalPosition}`,
        },
      ];
    }
    default:
      return [];
  }
}

/** Which jobs an event causes for chasing: chases asked for, chase mails, the notices of returns and messages. */
export const CHASING_REACTIONS: readonly Reaction[] = [chasingJobsFor];
