import { Inject, Injectable } from '@nestjs/common';
import { ChaseScheduleQuery, ChaseView, CycleChases, CycleReturns } from '../../../chasing/src/index.js';
import { Actor, clockInWords, dayInWords } from '../../../kernel/src/index.js';
import { GetCycle } from '../../../returns/src/index.js';
import { dateInWords } from '../date-input/date-input.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';

/** A chase's kind as the coordinator says it. */
export const CHASE_KIND_WORDS: Record<string, string> = {
  reminder: 'Reminder',
  due: 'Due today',
  overdue: 'Overdue',
  escalation: 'Escalation',
};

/** What became of one chase mail, in words and a GOV.UK tag colour. */
export const MAIL_STATE: Record<string, { words: string; tag: string }> = {
  pending: { words: 'Waiting to send', tag: 'govuk-tag--grey' },
  claimed: { words: 'Sending', tag: 'govuk-tag--light-blue' },
  retrying: { words: 'Retrying', tag: 'govuk-tag--yellow' },
  sent: { words: 'Sent', tag: 'govuk-tag--green' },
  failed: { words: 'Failed', tag: 'govuk-tag--red' },
};

/** A moment as people in the partnership read it: "23 December 2026 at 9:05am" (Europe/London). */
export function momentInWords(iso: string): string {
  return `${dayInWords(iso)} at ${clockInWords(iso)}`;
}

type Schedule = Awaited<ReturnType<ChaseScheduleQuery['schedule']>>;

/** The chase schedule in words: the policy's steps by date, and each agency's next step (outstanding first). */
export function chaseSchedulePage(schedule: Schedule, words: PlanWords) {
  const stepWords = (s: Schedule['steps'][number]) =>
    s.kind === 'reminder' && s.workingDaysBefore
      ? `Reminder, ${s.workingDaysBefore} working day${s.workingDaysBefore === 1 ? '' : 's'} before the due date`
      : s.kind === 'overdue' && s.overdueChase
        ? `Overdue chase ${s.overdueChase}`
        : (CHASE_KIND_WORDS[s.kind] ?? s.kind);
  return {
    dueDate: dateInWords(schedule.dueDate),
    today: dateInWords(schedule.today),
    thenEveryWorkingDays: schedule.thenEveryWorkingDays,
    steps: schedule.steps.map((s) => ({
      date: dateInWords(s.date),
      what: stepWords(s),
      past: s.date < schedule.today,
    })),
    agencies: schedule.agencies
      .map((a) => ({
        agencyId: a.agencyId,
        name: words.agencyName(a.agencyId),
        outstanding: a.outstanding.length,
        next: a.nextStep ? `${dateInWords(a.nextStep.date)}: ${stepWords(a.nextStep)}` : null,
        chased: a.chased.length,
      }))
      .sort((a, b) => b.outstanding - a.outstanding || a.name.localeCompare(b.name)),
  };
}

/** The chase log in words: newest first, each mail with its recipient and what became of it. */
export function chaseLogPage(chases: ChaseView[], words: PlanWords) {
  return [...chases]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((c) => ({
      agency: words.agencyName(c.agencyId),
      agencyId: c.agencyId,
      kind: CHASE_KIND_WORDS[c.kind] ?? c.kind,
      at: momentInWords(c.at),
      by: c.by === 'schedule' ? 'The chase schedule' : 'A coordinator (chase now)',
      mails: c.recipients.map((r) => ({
        email: r.email,
        state: MAIL_STATE[r.state] ?? { words: r.state, tag: 'govuk-tag--grey' },
        reason: r.reason,
      })),
    }));
}

/** Loads the chase schedule and log of a cycle the caller's partnership owns (else the cycle's 404). */
@Injectable()
export class ChasePagesQuery {
  constructor(
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseScheduleQuery) private readonly scheduleQuery: ChaseScheduleQuery,
    @Inject(CycleChases) private readonly chases: CycleChases,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
  ) {}

  async schedule(actor: Actor, cycleId: string) {
    const { state: cycle } = await this.cycles.cycle(actor, cycleId);
    const [{ returns }, words] = await Promise.all([this.cycleReturns.load(cycleId), this.words.of(cycle)]);
    return { cycle, ...chaseSchedulePage(await this.scheduleQuery.schedule(cycle, returns), words) };
  }

  async log(actor: Actor, cycleId: string) {
    const { state: cycle } = await this.cycles.cycle(actor, cycleId);
    const [{ returns }, words] = await Promise.all([this.cycleReturns.load(cycleId), this.words.of(cycle)]);
    const { chases } = await this.chases.log(cycleId, returns);
    return { cycle, chases: chaseLogPage(chases, words) };
  }
}
