import { Inject, Injectable } from '@nestjs/common';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  GetCycle,
  GetReturn,
  ListReturns,
  LiveCycle,
  PreviousApproved,
  ReturnContent,
  ReturnView,
} from '../../../returns/src/index.js';
import { Indicator } from '../../../plan/src/index.js';
import { CyclePlanWords } from '../plan-words.js';

type OpenedCycle = Exclude<LiveCycle, { status: 'drafted' }>;

/** What an agency lead's pages show: their returns in a cycle (the task list), and one return to work on. */
@Injectable()
export class AgencyReturns {
  constructor(
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(GetReturn) private readonly one: GetReturn,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
    @Inject(PreviousApproved) private readonly previousApproved: PreviousApproved,
  ) {}

  /** The cycle, once opened (a drafted one asks nothing of anybody yet); 404 otherwise. */
  async openedCycle(actor: Actor, cycleId: string): Promise<OpenedCycle> {
    const { state } = await this.cycles.cycle(actor, cycleId);
    if (state.status === 'drafted') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    return state;
  }

  /** The agency's returns the cycle asked for, withdrawn ones left out, with their measures' texts. */
  async taskList(cycle: OpenedCycle, agencyId: string) {
    const mine = cycle.returns.filter((r) => r.agencyId === agencyId);
    const [views, words] = await Promise.all([this.returns.of(cycle, mine), this.words.of(cycle)]);
    return {
      agencyName: words.agencyName(agencyId),
      returns: views
        .filter((v) => v.status !== 'withdrawn')
        .map((v) => ({ view: v, measureText: words.measureText(v.measureRef) })),
    };
  }

  /** One of the agency's returns, with its history and its measure's text; 404 for anybody else's. */
  async return(
    actor: Actor,
    returnId: string,
  ): Promise<{
    view: ReturnView;
    measureText: string;
    cycle: LiveCycle;
    agencyName: string;
    indicators: Indicator[];
  }> {
    const view = await this.one.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const words = await this.words.of(cycle);
    return {
      view,
      measureText: words.measureText(view.measureRef),
      cycle,
      agencyName: words.agencyName(view.agencyId),
      indicators: words.measureIndicators(view.measureRef),
    };
  }

  /**
   * The same measure's approved return in the latest earlier cycle, to start this one from. A link session sees
   * only its own cycle, so this reads as a viewer of the partnership would: approved returns are what the
   * partnership's published report already shows, and only the one measure the lead is answering is read.
   */
  async lastCycleApproved(
    actor: Actor,
    cycle: LiveCycle,
    measureRef: string,
  ): Promise<{ label: string; content: ReturnContent } | null> {
    const reader: Actor = { id: actor.id, role: 'viewer', partnershipId: actor.partnershipId };
    return this.previousApproved.of(reader, cycle, measureRef);
  }
}

/** What the lead sent, each submission with the version it made, oldest first (from the return's history). */
export function sentVersions(view: ReturnView): { version: number; at: string; content: ReturnContent }[] {
  return (view.history ?? []).flatMap((h) =>
    h.type === 'ReturnSubmitted'
      ? [{ version: h.version, at: h.at, content: (h.data as { content: ReturnContent }).content }]
      : [],
  );
}
