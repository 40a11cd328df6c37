import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  coordinatorEscalationMail,
  MailLedgerService,
  MailSender,
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
import { escalationMailKey } from './escalation-mails.js';

/** How soon a job whose mail another job sent looks again (machine time). */
const LOOK_AGAIN_MS = 250;

/**
 * Sends a coordinator the mail of an escalation step of a cycle, once: every agency escalated at the step, each
 * with what it still owes and a link to its page. Its ledger is the cycle's `escalations:<cycleId>` stream, keyed
 * by the step (and the mail's number, for a follow-up) and the coordinator's address, each mail's events naming
 * the agencies it lists; so however many agencies' chases owe it, however often its job runs and on however many
 * workers, each mail goes once and an agency escalated after the step's mail went is named in one follow-up.
 * Everything it says is read again from the events.
 */
@Injectable()
export class SendEscalationMail {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseSnapshots) private readonly snapshots: ChaseSnapshots,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: EscalationMailJob, willRetry: boolean): Promise<ChaseMailOutcome> {
    const ledgerStream = escalationStreamId(job.cycleId);
    // The cycle once, with the ledger; which agencies' chase streams to read comes from it (its partnership's
    // agencies and its returns'), read next. A ledger read first is at worst behind the chases: the lease below
    // then finds the mail it would send settled, and the job looks again.
    const { snapshot, events } = await this.snapshots.of(job.cycleId, [ledgerStream]);
    if (!snapshot.opened) return { outcome: 'not-due', why: `cycle ${snapshot.cycle.status}` };
    const agencyIds = [
      ...new Set([
        ...(snapshot.partnership.status === 'registered' ? snapshot.partnership.agencies.keys() : []),
        ...snapshot.returns.map((r) => r.agencyId),
      ]),
    ].sort();
    const streamIds = agencyIds.map((a) => chaseStreamId(job.cycleId, a));
    const chases = await this.store.readStreams(streamIds);
    const history = events.get(ledgerStream)!;

    const now = this.clock.now();
    const decision = decideEscalationMail(
      job,
      {
        snapshot,
        chases: new Map(agencyIds.map((a, i) => [a, chases.get(streamIds[i]) ?? []])),
        ledger: history,
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
    const result = await this.ledger.deliverOnce(
      {
        streamId: ledgerStream,
        prefix: 'Reminder',
        key: escalationMailKey(job.step, decision.batch),
        recipient: job.recipient,
        covers: decision.agencies.map((a) => a.agencyId),
        willRetry,
        send: (stillWanted) => this.mail.send(mail, stillWanted),
        history,
      },
      `escalation-${job.step}`,
    );
    // Another job sent this mail meanwhile, perhaps naming fewer agencies than this one would: look again at
    // once, and a follow-up names the rest.
    if (result.outcome === 'already' && result.entry.status === 'sent') {
      return { outcome: 'in-progress', until: new Date(Date.now() + LOOK_AGAIN_MS) };
    }
    return result;
  }

  private async compose(
    job: EscalationMailJob,
    {
      snapshot: { cycle, partnership, plan },
      agencies,
      batch,
    }: Extract<EscalationMailDecision, { type: 'send' }>,
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
      followUp: batch > 1,
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
