import { Inject, Injectable } from '@nestjs/common';
import { Actor, Clock } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { CycleNames } from '../cycle/cycle-names.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { LiveCycle, visibleCycle } from '../cycle/visible-cycle.js';
import { ReturnView, toReturnView } from '../get-return/return-view.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { ReturnStatus } from '../return/return.state.js';

/** A return in a list: many are shown at once, so no content, history or narrative. */
export type ReturnSummary = Omit<
  ReturnView,
  'content' | 'approved' | 'awaitingAcceptance' | 'history' | 'narrativeHtml'
>;

export interface ReturnsFilter {
  agencyId?: string;
  status?: ReturnStatus;
}

/** The returns a cycle asked for, folded from their streams, in the order the cycle asked for them. */
export function returnViews(
  requested: readonly { returnId: string }[],
  streams: ReadonlyMap<string, StoredEvent<ReturnEvent>[]>,
  now: Date,
): ReturnView[] {
  return requested
    .map((r) => toReturnView(streams.get(returnStreamId(r.returnId)) ?? [], now, false))
    .filter((v): v is ReturnView => v !== null);
}

/** What the actor sees of a cycle's returns, narrowed by the filter, as summaries. */
export function listedReturns(views: ReturnView[], actor: Actor, filter: ReturnsFilter): ReturnSummary[] {
  return views
    .filter((v) => canSeeReturn(actor, v))
    .filter((v) => filter.agencyId === undefined || v.agencyId === filter.agencyId)
    .filter((v) => filter.status === undefined || v.status === filter.status)
    .map(summaryOf);
}

export function summaryOf({
  content: _c,
  approved: _a,
  awaitingAcceptance: _w,
  history: _h,
  narrativeHtml: _n,
  ...summary
}: ReturnView) {
  return summary;
}

/** The returns of a cycle: the list the API serves and the pages show (dashboard, queue, task list). */
@Injectable()
export class ListReturns {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(CycleNames) private readonly names: CycleNames,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Every return the cycle asked for (none while it is drafted), or those of `requested` when given. */
  async of(cycle: LiveCycle, requested?: readonly { returnId: string }[]): Promise<ReturnView[]> {
    const asked = requested ?? (cycle.status === 'drafted' ? [] : cycle.returns);
    const streams = await this.store.readStreams<ReturnEvent>(asked.map((r) => returnStreamId(r.returnId)));
    return returnViews(asked, streams, this.clock.now());
  }

  /** The cycle (by its id, or in the actor's partnership its name) and the returns the actor may see of it. */
  async list(
    actor: Actor,
    cycleIdOrName: string,
    filter: ReturnsFilter,
  ): Promise<{ cycleId: string; returns: ReturnSummary[] }> {
    const cycleId = await this.names.cycleId(actor.partnershipId, cycleIdOrName);
    const cycle = visibleCycle(actor, cycleId, (await this.cycles.load(cycleId)).state);
    return { cycleId, returns: listedReturns(await this.of(cycle), actor, filter) };
  }
}
