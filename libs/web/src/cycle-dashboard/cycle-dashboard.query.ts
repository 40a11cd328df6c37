import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CycleChases } from '../../../chasing/src/index.js';
import {
  CycleLink,
  GetCycle,
  ListReturns,
  LiveCycle,
  ReturnView,
  SignOff,
  signOffOf,
} from '../../../returns/src/index.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';

export const STATUS_WORDS: Record<string, string> = {
  requested: 'Not started',
  draft: 'In progress',
  submitted: 'Submitted',
  approved: 'Approved',
  accepted: 'Accepted',
  withdrawn: 'Withdrawn',
};

/**
 * Where a return stands as the coordinator follows progress: a draft that a reviewer sent back is told apart
 * from one the lead is still writing, because it is the coordinator's to chase.
 */
export type Progress =
  'not-started' | 'in-progress' | 'sent-back' | 'submitted' | 'to-accept' | 'approved' | 'accepted';

/**
 * Each stage in the order a return moves through them, with its words and its GOV.UK tag colour. A one-stage
 * cycle ends at approved; a two-stage one goes on through waiting for acceptance to accepted.
 */
export const PROGRESS: readonly { key: Progress; words: string; tag: string }[] = [
  { key: 'accepted', words: 'Accepted', tag: 'govuk-tag--green' },
  { key: 'approved', words: 'Approved', tag: 'govuk-tag--green' },
  { key: 'to-accept', words: 'Waiting for acceptance', tag: 'govuk-tag--purple' },
  { key: 'submitted', words: 'Submitted', tag: 'govuk-tag--blue' },
  { key: 'sent-back', words: 'Sent back', tag: 'govuk-tag--orange' },
  { key: 'in-progress', words: 'In progress', tag: 'govuk-tag--light-blue' },
  { key: 'not-started', words: 'Not started', tag: 'govuk-tag--grey' },
];

/** The stages a cycle's returns can be in, as its sign-off has them. */
export function progressFor(signOff: SignOff): typeof PROGRESS {
  const notHere: Progress[] = signOff === 'two-stage' ? ['approved'] : ['to-accept', 'accepted'];
  return PROGRESS.filter((p) => !notHere.includes(p.key));
}

export function progressOf(
  v: Pick<ReturnView, 'status' | 'sentBackReason'> & Partial<Pick<ReturnView, 'signOff'>>,
): Progress | null {
  if (v.status === 'withdrawn') return null;
  if (v.status === 'requested') return 'not-started';
  if (v.status === 'draft') return v.sentBackReason ? 'sent-back' : 'in-progress';
  if (v.status === 'accepted') return 'accepted';
  if (v.status === 'approved') return v.signOff === 'two-stage' ? 'to-accept' : 'approved';
  return 'submitted';
}

/** Sent in by the agency: submitted, in either stage of sign-off, or signed off. */
const answered = (v: Pick<ReturnView, 'status'>) =>
  v.status === 'submitted' || v.status === 'approved' || v.status === 'accepted';

/**
 * One bar of the progress chart: the returns of a theme or an agency by stage, each stage's share as a
 * percentage of the bar (the template draws them as SVG rectangles, no JavaScript), and a sentence for
 * screen readers saying the same.
 */
export interface ChartRow {
  key: string;
  name: string;
  asked: number;
  done: number;
  overdue: number;
  segments: { key: Progress; words: string; n: number; x: number; width: number }[];
  sentence: string;
}

export function chartRow(key: string, name: string, views: readonly ReturnView[]): ChartRow {
  const asked = views.filter((v) => progressOf(v) !== null);
  let x = 0;
  const segments = PROGRESS.map(({ key: stage, words }) => {
    const n = asked.filter((v) => progressOf(v) === stage).length;
    const width = asked.length ? (n / asked.length) * 100 : 0;
    const segment = { key: stage, words, n, x: round(x), width: round(width) };
    x += width;
    return segment;
  }).filter((s) => s.n > 0);
  const done = asked.filter(answered).length;
  const overdue = asked.filter((v) => v.overdue).length;
  const parts = segments.map((s) => `${s.n} ${s.words.toLowerCase()}`);
  return {
    key,
    name,
    asked: asked.length,
    done,
    overdue,
    segments,
    sentence: `${name}: ${asked.length} return${asked.length === 1 ? '' : 's'} asked for${parts.length ? `, ${parts.join(', ')}` : ''}${overdue ? `; ${overdue} overdue` : ''}.`,
  };
}

/** Most overdue first, then the fewest done (they need the coordinator most), then by name. */
export function needsAttentionFirst<T extends { overdue: number; asked: number; done: number; name: string }>(
  a: T,
  b: T,
): number {
  return (
    b.overdue - a.overdue ||
    a.done / Math.max(a.asked, 1) - b.done / Math.max(b.asked, 1) ||
    a.name.localeCompare(b.name)
  );
}

/** An agency's returns: overdue first, then the earliest due, then in the plan's measure order. */
export function returnsInOrder<T extends Pick<ReturnView, 'overdue' | 'dueDate' | 'measureRef'>>(
  views: readonly T[],
): T[] {
  return [...views].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.measureRef.localeCompare(b.measureRef, 'en', { numeric: true }),
  );
}

/** A return as the dashboards list it: its measure in words and its stage as a GOV.UK tag. */
function tagged(v: ReturnView, words: PlanWords) {
  const progress = progressOf(v);
  const stage = PROGRESS.find((p) => p.key === progress);
  return {
    ...v,
    statusText: stage?.words ?? STATUS_WORDS[v.status] ?? v.status,
    statusTag: stage?.tag ?? 'govuk-tag--grey',
    measureText: words.measureText(v.measureRef),
  };
}

/**
 * A cycle's progress as any of its partnership's staff may read it: the totals at a glance, progress by theme
 * (in the plan's order) and by agency (those needing attention first), each agency with its returns, and the
 * overdue returns. It holds nothing that writes, no contact and no link: the coordinator's dashboard adds those.
 */
export function cycleProgress(cycle: LiveCycle, version: number, views: ReturnView[], words: PlanWords) {
  const agencyIds = [...new Set(views.map((v) => v.agencyId))];
  const agencies = agencyIds
    .map((agencyId) => {
      const mine = views.filter((v) => v.agencyId === agencyId);
      return {
        ...chartRow(agencyId, words.agencyName(agencyId), mine),
        agencyId,
        earliestDue: mine.map((v) => v.dueDate).sort()[0] ?? cycle.dueDate,
        returns: returnsInOrder(mine).map((v) => tagged(v, words)),
      };
    })
    .sort(needsAttentionFirst);
  const themeIds = [...new Set(views.map((v) => v.themeId))].sort(
    (a, b) => words.themePosition(a) - words.themePosition(b) || a.localeCompare(b),
  );
  const themes = themeIds.map((themeId) =>
    chartRow(
      themeId,
      words.themeTitle(themeId),
      views.filter((v) => v.themeId === themeId),
    ),
  );
  const asked = views.filter((v) => v.status !== 'withdrawn');
  const returned = asked.filter(answered);
  const count = (stage: Progress) => asked.filter((v) => progressOf(v) === stage).length;
  const stages = progressFor(signOffOf(cycle.signOff));
  return {
    cycle,
    version,
    agencies,
    themes,
    totals: [
      { key: 'asked', words: 'Returns asked for', n: asked.length },
      ...[...stages].reverse().map((p) => ({ key: p.key, words: p.words, n: count(p.key) })),
      { key: 'overdue', words: 'Overdue', n: asked.filter((v) => v.overdue).length },
    ],
    progress: stages,
    signOff: signOffOf(cycle.signOff),
    counts: Object.entries(STATUS_WORDS).map(([status, words]) => ({
      words,
      n: views.filter((v) => v.status === status).length,
    })),
    completeness: asked.length ? Math.round((returned.length / asked.length) * 100) : 0,
    overdue: asked.filter((v) => v.overdue).length,
    // The longest overdue first (the earliest due), each with the agency that owes it.
    overdueReturns: returnsInOrder(asked.filter((v) => v.overdue)).map((v) => ({
      ...tagged(v, words),
      agencyName: words.agencyName(v.agencyId),
    })),
  };
}

export type CycleProgressModel = ReturnType<typeof cycleProgress>;

/**
 * The coordinator's dashboard of a cycle: its progress, and for each agency its chase mails and the links for
 * the agency's own page.
 */
export function cycleDashboard(
  cycle: LiveCycle,
  version: number,
  views: ReturnView[],
  words: PlanWords,
  links: CycleLink[],
  chaseMails: ReadonlyMap<string, { sent: number; failed: number; escalatedToCoordinator?: string | null }>,
) {
  const progress = cycleProgress(cycle, version, views, words);
  return {
    ...progress,
    agencies: progress.agencies.map((agency) => {
      const mails = chaseMails.get(agency.agencyId) ?? { sent: 0, failed: 0, escalatedToCoordinator: null };
      return {
        ...agency,
        chasesSent: mails.sent,
        chasesFailed: mails.failed,
        escalatedToCoordinator: mails.escalatedToCoordinator ?? null,
        links: links.filter((l) => l.agencyId === agency.agencyId),
      };
    }),
  };
}

export type CycleDashboardModel = ReturnType<typeof cycleDashboard>;

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Loads what the dashboards show: the cycle (404 to another partnership), its returns and the plan's words;
 * for the coordinator's, its links and chase mails too.
 */
@Injectable()
export class CycleDashboard {
  constructor(
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
    @Inject(CycleChases) private readonly chases: CycleChases,
  ) {}

  async of(actor: Actor, cycleId: string): Promise<CycleDashboardModel> {
    const { cycle, version, views, words } = await this.read(actor, cycleId);
    const [links, chaseMails] = await Promise.all([
      this.links.list(cycleId, actor),
      this.chases.mailCounts(cycleId, [...new Set(views.map((v) => v.agencyId))]),
    ]);
    return cycleDashboard(cycle, version, views, words, links, chaseMails);
  }

  /** The read-only progress, for any staff member of the cycle's partnership. */
  async progress(actor: Actor, cycleId: string): Promise<CycleProgressModel> {
    const { cycle, version, views, words } = await this.read(actor, cycleId);
    return cycleProgress(cycle, version, views, words);
  }

  private async read(actor: Actor, cycleId: string) {
    const { state: cycle, version } = await this.cycles.cycle(actor, cycleId);
    const [views, words] = await Promise.all([this.returns.of(cycle), this.words.of(cycle)]);
    return { cycle, version, views, words };
  }
}
