import { Inject, Injectable } from '@nestjs/common';
import { Actor, Clock } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { LiveCycle } from '../cycle/visible-cycle.js';
import { ListCycles, ListedCycle } from '../list-cycles/list-cycles.query.js';
import { ReturnContent } from '../return/return-content.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { toReturnView } from './return-view.js';

/** The opened cycles of the same plan that ended before this one began, newest first. */
export function earlierCycles(cycles: ListedCycle[], cycle: Pick<LiveCycle, 'planId' | 'periodStart'>) {
  return cycles.flatMap(({ state }) =>
    state.planId === cycle.planId && state.periodEnd <= cycle.periodStart && state.status !== 'drafted'
      ? [state]
      : [],
  );
}

/** What a reviewer reads beside a return: the same measure's approved return in the latest earlier cycle. */
@Injectable()
export class PreviousApproved {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async of(
    actor: Actor,
    cycle: LiveCycle,
    measureRef: string,
  ): Promise<{ label: string; content: ReturnContent } | null> {
    for (const state of earlierCycles(await this.cycles.cycles(actor), cycle)) {
      const match = state.returns.find((r) => r.measureRef === measureRef);
      if (!match) continue;
      const events = await this.store.readStream<ReturnEvent>(returnStreamId(match.returnId));
      const view = toReturnView(events, this.clock.now(), false);
      if (view?.approved) return { label: state.label, content: view.approved.content };
    }
    return null;
  }
}
