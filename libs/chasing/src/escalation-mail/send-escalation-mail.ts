import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../kernel/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  coordinatorEscalationMail,
  evolveLedger,
  isSettled,
  Ledger,
  MailLedgerService,
  MailSender,
  mailKey,
  OutgoingMail,
} from '../../../mail/src/index.js';
import { EscalationMailJob } from '../../../queues/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { isInSendWindow, nextSendTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { chaseStreamId, escalationStreamId } from '../chase/chase.events.js';
import { digestLines } from '../chase-mail/digest-lines.js';
import { ChaseMailOutcome } from '../chase-mail/send-chase-mail.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns, policyOf } from '../cycle-returns.js';
import { decideEscalationMail, EscalationMailDecision } from './escalation-mail.decide.js';

/**
 * Sends a coordinator the one mail of an escalation step of a cycle, once: every agency escalated at the step,
 * each with what it still owes and a link to its page. Its ledger is the cycle's `escalations:<cycleId>` stream,
 * keyed by the step and the coordinator's address, so however many agencies' chases owe it, however often its
 * job runs and on however many workers, it goes once. Everything it says is read again from the events.
 */
@Injectable()
export class SendEscalationMail {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseSnapshots) private readonly snapshots: ChaseSnapshots,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: EscalationMailJob, willRetry: boolean): Promise<ChaseMailOutcome> {
    // Which agencies' chase streams to read comes from the cycle (its partnership's agencies and its returns').
    const { snapshot: first } = await this.snapshots.of(job.cycleId, []);
    if (!first.opened) return { outcome: 'not-due', why: `cycle ${first.cycle.status}` };
    const agencyIds = [
      ...new Set([
        ...(first.partnership.status === 'registered' ? first.partnership.agencies.keys() : []),
        ...first.returns.map((r) => r.agencyId),
      ]),
    ].sort();
    const streamIds = agencyIds.map((a) => chaseStreamId(job.cycleId, a));
    const ledgerStream = escalationStreamId(job.cycleId);
    const { snapshot, events } = await this.snapshots.of(job.cycleId, [...streamIds, ledgerStream]);
    const history = events.get(ledgerStream)!;
    // Sent (or failed for good) already: nothing to gather or compose.
    const entry = history
      .reduce<Ledger>((l, e) => evolveLedger('Reminder', l, e), new Map())
      .get(mailKey(job.step, job.recipient));
    if (entry && isSettled(entry)) return { outcome: 'already', entry };

    const now = this.clock.now();
    const decision = decideEscalationMail(
      job,
      {
        snapshot,
        chases: new Map(agencyIds.map((a, i) => [a, events.get(streamIds[i])!])),
        calendar: this.calendar,
      },
      now,
    );
    if (decision.type === 'not-due') return { outcome: 'not-due', why: decision.why };
    if (decision.type === 'wait') return { outcome: 'deferred', until: decision.until };
    const { sendWindow } = policyOf(decision.snapshot.cycle);
    if (!isInSendWindow(now, sendWindow, this.calendar)) {
      return { outcome: 'deferred', until: nextSendTime(now, sendWindow, this.calendar) };
    }
    const mail = await this.compose(job, decision);
    return this.ledger.deliverOnce(
      {
        streamId: ledgerStream,
        prefix: 'Reminder',
        key: job.step,
        recipient: job.recipient,
        willRetry,
        send: (stillWanted) => this.mail.send(mail, stillWanted),
        history,
      },
      `escalation-${job.step}`,
    );
  }

  private async compose(
    job: EscalationMailJob,
    { snapshot: { cycle, partnership, plan }, agencies }: Extract<EscalationMailDecision, { type: 'send' }>,
  ): Promise<OutgoingMail> {
    const registered = partnership.status === 'registered' ? partnership : null;
    const coordinator = (await this.cycleReturns.coordinators(cycle.partnershipId)).find(
      (c) => c.email.toLowerCase() === job.recipient.toLowerCase(),
    );
    const base = this.config.publicBaseUrl;
    return coordinatorEscalationMail({
      to: job.recipient,
      name: coordinator?.name ?? job.recipient,
      partnershipName: registered?.name ?? '',
      cycleLabel: cycle.label,
      step: job.step,
      overdueChases: policyOf(cycle).escalateAfterOverdueChases,
      agencies: agencies
        .map(({ agencyId, outstanding }) => ({
          agencyName: registered?.agencies.get(agencyId)?.name ?? agencyId,
          dueDate: outstanding.map((r) => r.dueDate).sort()[0],
          returns: digestLines(plan, outstanding),
          link: `${base}/coordinate/cycles/${encodeURIComponent(cycle.cycleId)}/agencies/${encodeURIComponent(agencyId)}`,
        }))
        .sort((a, b) => a.agencyName.localeCompare(b.agencyName)),
    });
  }
}
