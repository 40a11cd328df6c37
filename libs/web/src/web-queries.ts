import { Inject, Injectable } from '@nestjs/common';
import { Clock, Actor, DomainError, samePartnershipOr404 } from '../../kernel/src/index.js';
import { EventStore } from '../../event-store/src/index.js';
import { PlanRepository, PlanState } from '../../plan/src/index.js';
import {
  CycleEvent,
  cycleStreamId,
  CycleState,
  evolveCycle,
  initialCycle,
  ReturnView,
  toReturnView,
  PartnershipIndex,
  ReturnContent,
  ReturnEvent,
  returnStreamId,
} from '../../returns/src/index.js';

export type OpenedCycle = Exclude<CycleState, { status: 'none' | 'drafted' }>;
export type LiveCycle = Exclude<CycleState, { status: 'none' }>;

/** What staff pages read: cycles, their returns and the plan, always within the actor's partnership. */
@Injectable()
export class WebQueries {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async cycles(actor: Actor): Promise<{ state: LiveCycle; version: number }[]> {
    const ids = await this.index.cycleIds(actor.partnershipId);
    const streams = await this.store.readStreams<CycleEvent>(ids.map(cycleStreamId));
    return ids
      .map((id) => {
        const events = streams.get(cycleStreamId(id)) ?? [];
        const state = events.reduce<CycleState>(
          (s, e) => evolveCycle(s, { type: e.type, data: e.data } as CycleEvent),
          initialCycle(),
        );
        return { state, version: events.at(-1)?.version ?? 0 };
      })
      .filter((c): c is { state: LiveCycle; version: number } => c.state.status !== 'none')
      .sort((a, b) => b.state.periodStart.localeCompare(a.state.periodStart));
  }

  async cycle(actor: Actor, cycleId: string): Promise<{ state: LiveCycle; version: number }> {
    const events = await this.store.readStream<CycleEvent>(cycleStreamId(cycleId));
    const state = events.reduce<CycleState>(
      (s, e) => evolveCycle(s, { type: e.type, data: e.data } as CycleEvent),
      initialCycle(),
    );
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, state.partnershipId, 'cycle', cycleId);
    return { state, version: events.at(-1)?.version ?? 0 };
  }

  async returnsOf(cycle: LiveCycle): Promise<ReturnView[]> {
    if (cycle.status === 'drafted') return [];
    const streams = await this.store.readStreams<ReturnEvent>(
      cycle.returns.map((r) => returnStreamId(r.returnId)),
    );
    const now = this.clock.now();
    return cycle.returns
      .map((r) => toReturnView(streams.get(returnStreamId(r.returnId)) ?? [], now, false))
      .filter((v): v is ReturnView => v !== null);
  }

  async returnWithHistory(actor: Actor, returnId: string): Promise<ReturnView> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const view = toReturnView(events, this.clock.now(), true);
    if (!view) throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(actor, view.partnershipId, 'return', view.cycleId);
    return view;
  }

  /** The partnership's plans, in the order they were adopted. */
  planIds(actor: Actor): Promise<string[]> {
    return this.index.planIds(actor.partnershipId);
  }

  plan(cycle: Pick<LiveCycle, 'partnershipId' | 'planId'>): Promise<PlanState> {
    return this.plans.plan(cycle.partnershipId, cycle.planId);
  }

  partnership(partnershipId: string) {
    return this.plans.partnership(partnershipId);
  }

  /** The same measure's approved return in the latest earlier cycle of the same plan, if there is one. */
  async previousApproved(
    actor: Actor,
    cycle: LiveCycle,
    measureRef: string,
  ): Promise<{ label: string; content: ReturnContent } | null> {
    const earlier = (await this.cycles(actor)).filter(
      (c) =>
        c.state.planId === cycle.planId &&
        c.state.periodEnd <= cycle.periodStart &&
        c.state.status !== 'drafted',
    );
    for (const { state } of earlier) {
      if (state.status === 'drafted') continue;
      const match = state.returns.find((r) => r.measureRef === measureRef);
      if (!match) continue;
      const events = await this.store.readStream<ReturnEvent>(returnStreamId(match.returnId));
      const view = toReturnView(events, this.clock.now(), false);
      if (view?.approved) return { label: state.label, content: view.approved.content };
    }
    return null;
  }
}
