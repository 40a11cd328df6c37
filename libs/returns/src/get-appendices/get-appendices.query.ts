import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { AppendicesRepository, caseStudiesOf } from '../appendices/appendices.repository.js';
import { StudySection } from '../appendices/appendices.events.js';
import { GetCycle } from '../get-cycle/get-cycle.query.js';
import { ReturnRepository } from '../return/return.repository.js';
import { LiveReturnState } from '../return/return.state.js';

export interface AppendixCaseStudyView {
  caseStudyId: string;
  /** 'entered' by the coordinator, or 'placed' from an agency's return (edited there, not here). */
  kind: 'entered' | 'placed';
  title: string;
  organisation: string;
  author: string | null;
  measureRef: string | null;
  themeId: string | null;
  groupHeading: string | null;
  sections: StudySection[];
  /** For a placed study: the return it comes from and its place among that return's studies. */
  returnId?: string;
  index?: number;
  agencyId?: string;
}

export interface AppendixView {
  appendixId: string;
  /** Its place, from 1: "Appendix 1". */
  number: number;
  title: string;
  introduction: string;
  caseStudies: AppendixCaseStudyView[];
}

/** An agency's case study the coordinator could place in an appendix. */
export interface AgencyCaseStudyView {
  returnId: string;
  index: number;
  measureRef: string;
  agencyId: string;
  title: string;
  /** Where it is placed already, if anywhere. */
  placedIn: string | null;
}

export interface AppendicesView {
  cycleId: string;
  /** Send it back as If-Match with the next change. */
  version: number;
  appendices: AppendixView[];
  agencyCaseStudies: AgencyCaseStudyView[];
  /** The plan's themes and measures, in its order: what a study may be printed under or tied to. */
  themes: { themeId: string; title: string }[];
  measures: { ref: string; text: string }[];
}

/** A cycle's appendices as the coordinator manages them, with the agencies' case studies that could go in. */
@Injectable()
export class GetAppendices {
  constructor(
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(AppendicesRepository) private readonly appendices: AppendicesRepository,
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  async view(actor: Actor, cycleId: string): Promise<AppendicesView> {
    const { state: cycle } = await this.cycles.cycle(actor, cycleId);
    const { state, version } = await this.appendices.load(cycleId);
    const requested = cycle.status === 'drafted' ? [] : cycle.returns;
    const returns = new Map<string, LiveReturnState>(
      (await this.returns.loadMany(requested.map((r) => r.returnId))).map(({ state: r }) => [r.returnId, r]),
    );
    const placedIn = new Map<string, string>();
    const appendices = state.appendices.map((a, i): AppendixView => ({
      appendixId: a.appendixId,
      number: i + 1,
      title: a.title,
      introduction: a.introduction,
      caseStudies: a.caseStudies.map((c): AppendixCaseStudyView => {
        if (c.kind === 'entered') {
          const { caseStudyId, kind, title, organisation, author, measureRef, themeId, sections } = c;
          const groupHeading = c.groupHeading ?? null;
          return {
            caseStudyId,
            kind,
            title,
            organisation,
            author,
            measureRef,
            themeId,
            groupHeading,
            sections,
          };
        }
        placedIn.set(`${c.returnId}#${c.index}`, a.appendixId);
        const r = returns.get(c.returnId);
        const found = r ? caseStudiesOf(r)[c.index] : undefined;
        return {
          caseStudyId: c.caseStudyId,
          kind: 'placed',
          title: found?.title ?? '',
          organisation: found?.agency ?? '',
          author: null,
          measureRef: c.measureRef,
          themeId: c.themeId,
          groupHeading: null,
          sections: found?.sections ?? [],
          returnId: c.returnId,
          index: c.index,
          agencyId: c.agencyId,
        };
      }),
    }));
    const agencyCaseStudies = [...returns.values()]
      .filter((r) => r.status !== 'withdrawn')
      .flatMap((r) =>
        caseStudiesOf(r).map((s, index) => ({
          returnId: r.returnId,
          index,
          measureRef: r.measureRef,
          agencyId: r.agencyId,
          title: s.title,
          placedIn: placedIn.get(`${r.returnId}#${index}`) ?? null,
        })),
      );
    const plan = await this.plans.plan(cycle.partnershipId, cycle.planId);
    const inOrder = <T extends { position: number }>(items: Iterable<T>) =>
      [...items].sort((a, b) => a.position - b.position);
    return {
      cycleId,
      version,
      appendices,
      agencyCaseStudies,
      themes:
        plan.status === 'adopted'
          ? inOrder(plan.themes.values()).map((t) => ({ themeId: t.themeId, title: t.title }))
          : [],
      measures:
        plan.status === 'adopted'
          ? inOrder(plan.measures.values()).map((m) => ({ ref: m.ref, text: m.text }))
          : [],
    };
  }
}
