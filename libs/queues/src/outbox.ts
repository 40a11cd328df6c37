import { StoredEvent } from '../../event-store/src/index.js';
import type { OwedMailJob } from '../../mail/src/index.js';
import { OutboxJob, QUEUES } from './queues.js';

/**
 * Which jobs one stored event causes, as one lib sees it. Each lib that reacts to events exports its reactions
 * from its index; the apps compose them (apps/composition) and the outbox relay runs the list. Pure, so the relay
 * can be replayed from any checkpoint.
 */
export type Reaction = (event: StoredEvent) => OutboxJob[];

/** Every job an event causes under these reactions, in their order. */
export function jobsFor(reactions: readonly Reaction[], event: StoredEvent): OutboxJob[] {
  return reactions.flatMap((react) => react(event));
}

/**
 * The mail an event owes: its jobs on the mail queue, recorded in owed_mails so Redis is never their only record.
 * Mail is owed only where an event says so (links issued, a chase recorded with its recipients, a return submitted
 * or sent back): a cycle whose events say none, such as a past year recorded later, owes no mail.
 */
export function mailOwedBy(reactions: readonly Reaction[], event: StoredEvent): OwedMailJob[] {
  return jobsFor(reactions, event)
    .filter((j) => j.queue === QUEUES.mail)
    .map((j) => ({ jobId: j.jobId, name: j.name, data: j.data, eventPosition: event.globalPosition }));
}
