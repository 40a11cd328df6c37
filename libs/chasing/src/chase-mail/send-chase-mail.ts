import { Inject, Injectable } from '@nestjs/common';
import { issuedLinkToken, Clock } from '../../../kernel/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  MailSender,
  OutgoingMail,
  chaseDigestMail,
  escalationMail,
  BatchDeliveryResult,
  Delivery,
  DeliveryResult,
  MailLedgerService,
} from '../../../mail/src/index.js';
import { ChaseMailJob, ChaseMailsJob } from '../../../queues/src/index.js';
import { StoredEvent } from '../../../event-store/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { isInSendWindow, nextSendTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { asChaseEvents, chaseStreamId } from '../chase/chase.events.js';
import { stillDue } from '../chase/still-due.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns, policyOf } from '../cycle-returns.js';
import { LiveReturnState } from '../../../returns/src/index.js';
import { digestLines } from './digest-lines.js';

export type ChaseMailOutcome =
  | DeliveryResult
  | { outcome: 'not-due'; why: string }
  /** Outside the send window: try again when it next opens (an instant on the business clock). */
  | { outcome: 'deferred'; until: Date };

/** One mail of a chase-mails job: as ChaseMailOutcome, or a failure the ledger recorded. */
export type ChaseMailsOutcome = ChaseMailOutcome | BatchDeliveryResult;

/**
 * Sends one chase mail to one recipient, once. Everything it says is read again from the events, and just before
 * sending it asks stillDue, the same rule that recorded the chase: a return submitted, extended or withdrawn
 * after the chase was recorded stops it.
 */
@Injectable()
export class SendChaseMail {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseSnapshots) private readonly snapshots: ChaseSnapshots,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: ChaseMailJob, willRetry: boolean): Promise<ChaseMailOutcome> {
    const streamId = chaseStreamId(job.cycleId, job.agencyId);
    // The chase stream comes in the same round trip as the cycle.
    const { snapshot, events } = await this.snapshots.of(job.cycleId, [streamId]);
    const ready = await this.prepare(snapshot, events.get(streamId)!, job, willRetry);
    if ('outcome' in ready) return ready;
    return this.ledger.deliverOnce(ready, ready.correlationId);
  }

  /**
   * Several chase mails of one cycle, each decided as execute() decides one: the cycle and every chase stream
   * read in one round trip, the mails through the ledger together (deliverMany). Outcomes in the mails' order;
   * a failure is an outcome here, recorded in the ledger, not an exception.
   */
  async executeMany(job: ChaseMailsJob, willRetry: boolean): Promise<ChaseMailsOutcome[]> {
    const streamIds = [...new Set(job.mails.map((m) => chaseStreamId(job.cycleId, m.agencyId)))];
    const { snapshot, events } = await this.snapshots.of(job.cycleId, streamIds);
    const outcomes: ChaseMailsOutcome[] = new Array(job.mails.length);
    const deliveries: (Delivery & { correlationId: string })[] = [];
    const at: number[] = [];
    for (const [i, mail] of job.mails.entries()) {
      const one = { cycleId: job.cycleId, ...mail };
      const ready = await this.prepare(
        snapshot,
        events.get(chaseStreamId(job.cycleId, mail.agencyId))!,
        one,
        willRetry,
      );
      if ('outcome' in ready) outcomes[i] = ready;
      else {
        deliveries.push(ready);
        at.push(i);
      }
    }
    const delivered = await this.ledger.deliverMany(deliveries);
    delivered.forEach((d, k) => (outcomes[at[k]] = d));
    return outcomes;
  }

  /** What one mail comes to before the ledger: not due, deferred, or the delivery to make. */
  private async prepare(
    snapshot: ChaseSnapshot,
    history: StoredEvent[],
    job: ChaseMailJob,
    willRetry: boolean,
  ): Promise<Exclude<ChaseMailOutcome, DeliveryResult> | (Delivery & { correlationId: string })> {
    const streamId = chaseStreamId(job.cycleId, job.agencyId);
    const chased = asChaseEvents(history).find((e) => e.type === 'AgencyChased' && e.data.step === job.step);
    if (chased?.type !== 'AgencyChased') return { outcome: 'not-due', why: 'no such chase' };
    const recipient = chased.data.recipients.find((r) => r.email === job.recipient);
    if (!recipient) return { outcome: 'not-due', why: 'not a recipient of this chase' };
    // A coordinator hears of a step's escalations in one mail for all its agencies (SendEscalationMail), never in
    // one per agency: a job of this kind for them (made before that, or a duplicate) sends nothing.
    if (recipient.role === 'coordinator') {
      return { outcome: 'not-due', why: 'a coordinator gets one escalation mail per step' };
    }

    const now = this.clock.now();
    const scheduled = chased.data.kind !== 'now';
    const due = stillDue(snapshot, { agencyId: job.agencyId, step: job.step, scheduled }, this.calendar, now);
    if (!due.due) return { outcome: 'not-due', why: due.why };
    // A chase the coordinator asked for goes at once; a scheduled one waits for the send window.
    const { sendWindow } = policyOf(due.snapshot.cycle);
    if (scheduled && !isInSendWindow(now, sendWindow, this.calendar)) {
      return { outcome: 'deferred', until: nextSendTime(now, sendWindow, this.calendar) };
    }
    const mail = await this.compose(due.snapshot, job, recipient.role, chased.data.kind, due.outstanding);
    return {
      streamId,
      prefix: 'Reminder',
      key: job.step,
      recipient: job.recipient,
      willRetry,
      send: (stillWanted) => this.mail.send(mail, stillWanted),
      // The chase stream was just read: the ledger starts from it instead of reading it again.
      history,
      correlationId: `chase-${job.step}`,
    };
  }

  private async compose(
    { cycle, partnership, plan }: Extract<ChaseSnapshot, { opened: true }>,
    job: ChaseMailJob,
    role: 'lead' | 'senior' | 'coordinator',
    kind: string,
    outstanding: LiveReturnState[],
  ): Promise<OutgoingMail> {
    const registered = partnership.status === 'registered' ? partnership : null;
    const partnershipName = registered?.name ?? '';
    const agency = registered?.agencies.get(job.agencyId) ?? null;
    const lines = digestLines(plan, outstanding);
    const dueDate = outstanding.map((r) => r.dueDate).sort()[0];
    const agencyName = agency?.name ?? job.agencyId;
    if (role === 'lead') {
      const link = Object.values(cycle.links).find(
        (l) => l.agencyId === job.agencyId && l.contactEmail === job.recipient && !l.revoked,
      );
      return chaseDigestMail(
        kind === 'escalation' ? 'overdue' : (kind as 'reminder' | 'due' | 'overdue' | 'now'),
        {
          to: job.recipient,
          contactName: agency?.contacts.get(job.recipient)?.name ?? job.recipient,
          agencyName,
          partnershipName,
          cycleLabel: cycle.label,
          dueDate,
          returns: lines,
          // Re-derived here from the link id and the secret: no token is stored or put in a job.
          link: link
            ? `${this.config.publicBaseUrl}/l/${issuedLinkToken(this.config.tokenPepper, link.linkId, cycle.tokenHashes[link.linkId])}`
            : null,
        },
      );
    }
    // A senior contact: coordinators hear of escalations from SendEscalationMail.
    return escalationMail({
      to: job.recipient,
      name: agency?.contacts.get(job.recipient)?.name ?? job.recipient,
      agencyName,
      partnershipName,
      cycleLabel: cycle.label,
      dueDate,
      overdueChases: policyOf(cycle).escalateAfterOverdueChases,
      returns: lines,
    });
  }
}
