import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CycleChases } from '../../../chasing/src/index.js';
import { CycleLink, GetCycle, ListReturns, LiveCycle, ReturnView } from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';

export const STATUS_WORDS: Record<string, string> = {
  requested: 'Not started',
  draft: 'In progress',
  submitted: 'Submitted',
  approved: 'Approved',
  withdrawn: 'Withdrawn',
};

/**
 * The coordinator's dashboard of a cycle: each agency with its returns, overdue ones, chase mails sent and
 * failed, and links; the counts by state, completeness (submitted or approved over those still asked for) and
 * how many are overdue.
 */
export function cycleDashboard(
  cycle: LiveCycle,
  version: number,
  views: ReturnView[],
  words: PlanWords,
  links: CycleLink[],
  chaseMails: ReadonlyMap<string, { sent: number; failed: number }>,
) {
  const agencyIds = [...new Set(views.map((v) => v.agencyId))];
  const agencies = agencyIds.map((agencyId) => {
    const mine = views.filter((v) => v.agencyId === agencyId);
    const mails = chaseMails.get(agencyId) ?? { sent: 0, failed: 0 };
    return {
      chasesSent: mails.sent,
      chasesFailed: mails.failed,
      agencyId,
      name: words.agencyName(agencyId),
      overdue: mine.filter((v) => v.overdue).length,
      returns: mine.map((v) => ({
        ...v,
        statusText: STATUS_WORDS[v.status] ?? v.status,
        measureText: words.measureText(v.measureRef),
      })),
      links: links.filter((l) => l.agencyId === agencyId),
    };
  });
  const asked = views.filter((v) => v.status !== 'withdrawn');
  const answered = asked.filter((v) => v.status === 'submitted' || v.status === 'approved');
  return {
    cycle,
    version,
    agencies,
    counts: Object.entries(STATUS_WORDS).map(([status, words]) => ({
      words,
      n: views.filter((v) => v.status === status).length,
    })),
    completeness: asked.length ? Math.round((answered.length / asked.length) * 100) : 0,
    overdue: views.filter((v) => v.overdue).length,
  };
}

/** Loads what the dashboard shows: the cycle, its returns, the plan's words, its links and chase mails. */
@Injectable()
export class CycleDashboard {
  constructor(
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
    @Inject(CycleChases) private readonly chases: CycleChases,
  ) {}

  async of(actor: Actor, cycleId: string) {
    const { state: cycle, version } = await this.cycles.cycle(actor, cycleId);
    const [views, words, links] = await Promise.all([
      this.returns.of(cycle),
      this.words.of(cycle),
      this.links.list(cycleId, actor),
    ]);
    const chaseMails = await this.chases.mailCounts(cycleId, [...new Set(views.map((v) => v.agencyId))]);
    return cycleDashboard(cycle, version, views, words, links, chaseMails);
  }
}
