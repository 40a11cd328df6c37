import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from '../cycle/cycle.events.js';
import { CycleState, evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { LiveCycle } from '../cycle/visible-cycle.js';
import { PartnershipIndex } from '../partnership-index.js';

export interface CycleSummary {
  cycleId: string;
  version: number;
  status: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  returns: number;
}

export interface ListedCycle {
  state: LiveCycle;
  version: number;
}

/**
 * The cycles folded from their streams, newest first: the latest period, then the latest drafted. `ids` are in
 * the order the cycles were drafted.
 */
export function cyclesNewestFirst(
  ids: readonly string[],
  streams: ReadonlyMap<string, StoredEvent<CycleEvent>[]>,
): ListedCycle[] {
  return ids
    .flatMap((id, drafted) => {
      const events = streams.get(cycleStreamId(id)) ?? [];
      const state = events.reduce<CycleState>(
        (s, e) => evolveCycle(s, { type: e.type, data: e.data } as CycleEvent),
        initialCycle(),
      );
      return state.status === 'none' ? [] : [{ state, version: events.at(-1)?.version ?? 0, drafted }];
    })
    .sort((a, b) => b.state.periodStart.localeCompare(a.state.periodStart) || b.drafted - a.drafted)
    .map(({ state, version }) => ({ state, version }));
}

export function cycleSummary({ state, version }: ListedCycle): CycleSummary {
  const { cycleId, status, planId, label, periodStart, periodEnd, dueDate } = state;
  const returns = state.status === 'drafted' ? 0 : state.returns.length;
  return { cycleId, version, status, planId, label, periodStart, periodEnd, dueDate, returns };
}

/** The partnership's cycles: the API's list and the coordinator's and reviewer's pages. */
@Injectable()
export class ListCycles {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
  ) {}

  /** Newest first; through a submission link, only its own cycle. */
  async cycles(actor: Actor): Promise<ListedCycle[]> {
    const ids = (await this.index.cycleIds(actor.partnershipId)).filter(
      (id) => actor.cycleId === undefined || actor.cycleId === id,
    );
    return cyclesNewestFirst(ids, await this.store.readStreams<CycleEvent>(ids.map(cycleStreamId)));
  }

  async list(actor: Actor): Promise<{ cycles: CycleSummary[] }> {
    return { cycles: (await this.cycles(actor)).map(cycleSummary) };
  }
}
