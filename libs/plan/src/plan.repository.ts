import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, EventStore, Sql } from '../../event-store/src/index.js';
import { PartnershipEvent, partnershipStreamId, PlanEvent, planStreamId } from './plan.events.js';
import {
  evolvePartnership,
  evolveOwnedPlan,
  initialPartnership,
  initialPlan,
  PartnershipState,
  PlanState,
} from './plan.state.js';

/** A plan as last folded: the stream's last event read, and the state after it. */
interface KeptPlan {
  version: number;
  globalPosition: number;
  state: PlanState;
}

@Injectable()
export class PlanRepository {
  /**
   * Each plan's fold, kept between calls. Saving a draft or submitting checks values against the measure's
   * indicators, so every such command needs the plan: read whole, a 2,000-measure plan is 2,000 rows parsed and
   * folded per command (it cut the commands over HTTP to a fifth). Kept, a call reads only the events after the
   * fold, so it is as current as a whole read. Plans hold no personal data, so nothing erasable is kept here.
   */
  private readonly kept = new Map<string, KeptPlan>();

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async plan(partnershipId: string, planId: string, asAt?: Date): Promise<PlanState> {
    const streamId = planStreamId(partnershipId, planId);
    if (asAt) {
      const { state } = await aggregateStream<PlanState, PlanEvent>(
        this.store,
        streamId,
        evolveOwnedPlan,
        initialPlan,
        { asAt },
      );
      return state;
    }
    const kept = this.kept.get(streamId);
    // From the kept fold's own last event: if that is not the event it was (a database restored or replaced
    // under a running process), the stream is folded again from its start.
    let events = await this.store.readStream<PlanEvent>(streamId, { fromVersion: kept?.version ?? 1 });
    const goesOn =
      kept !== undefined &&
      events[0]?.version === kept.version &&
      events[0].globalPosition === kept.globalPosition;
    if (kept && !goesOn) events = await this.store.readStream<PlanEvent>(streamId);
    const tail = goesOn ? events.slice(1) : events;
    if (goesOn && tail.length === 0) return kept.state;
    // Callers may still hold the kept state: the fold goes on in a copy of its maps, which it then owns.
    let state = goesOn ? ownCopy(kept.state) : initialPlan();
    for (const event of tail)
      state = evolveOwnedPlan(state, { type: event.type, data: event.data } as PlanEvent);
    const last = tail[tail.length - 1];
    if (last) this.kept.set(streamId, { version: last.version, globalPosition: last.globalPosition, state });
    else this.kept.delete(streamId);
    return state;
  }

  /** `sql`: a transaction to read in, else the pool. */
  async partnership(partnershipId: string, asAt?: Date, sql?: Sql): Promise<PartnershipState> {
    const { state } = await aggregateStream<PartnershipState, PartnershipEvent>(
      this.store,
      partnershipStreamId(partnershipId),
      evolvePartnership,
      initialPartnership,
      { asAt },
      sql,
    );
    return state;
  }
}

/** The plan with maps of its own (their values are replaced, never changed, by a fold). */
function ownCopy(state: PlanState): PlanState {
  if (state.status === 'none') return state;
  return {
    ...state,
    themes: new Map(state.themes),
    priorities: new Map(state.priorities),
    measures: new Map(state.measures),
  };
}
