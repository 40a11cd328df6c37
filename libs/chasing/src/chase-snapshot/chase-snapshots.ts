import { Inject, Injectable } from '@nestjs/common';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import {
  partnershipStreamId,
  planStreamId,
  evolvePartnership,
  evolvePlan,
  initialPartnership,
  initialPlan,
  PartnershipState,
  PlanState,
  PartnershipEvent,
  PlanEvent,
} from '../../../plan/src/index.js';
import {
  CycleEvent,
  cycleStreamId,
  CycleState,
  evolveCycle,
  initialCycle,
  ReturnEvent,
  returnStreamId,
  evolveReturn,
  initialReturn,
  LiveReturnState,
  ReturnState,
} from '../../../returns/src/index.js';
import { ChaseSnapshot } from './chase-snapshot.js';
import { catchUp, FoldedStream } from './folded-stream.js';

/**
 * Folded streams kept, over all cycles: a chase run records every due agency of every open cycle first and then
 * sends their digests cycle after cycle, so the folds of all the cycles it is working through should stay (100
 * cycles of 100 agencies is about 10,000 streams). The least recently used cycles go first past this bound, which
 * keeps a worker's memory bounded however many or however large the cycles it chases.
 */
const KEPT_STREAMS = 20_000;

type Folds = Map<string, FoldedStream<unknown>>;

const byStream: Record<string, (state: never, event: { type: string; data: unknown }) => unknown> = {
  cycle: (s: CycleState, e) => evolveCycle(s, e as CycleEvent),
  partnership: (s: PartnershipState, e) => evolvePartnership(s, e as PartnershipEvent),
  plan: (s: PlanState, e) => evolvePlan(s, e as PlanEvent),
  return: (s: ReturnState, e) => evolveReturn(s, e as ReturnEvent),
};

const initialFor: Record<string, () => unknown> = {
  cycle: initialCycle,
  partnership: initialPartnership,
  plan: initialPlan,
  return: initialReturn,
};

const kindOf = (streamId: string) => streamId.slice(0, streamId.indexOf(':'));

/**
 * Reads chase snapshots straight from the events, keeping each stream's fold between jobs: every read still
 * goes to PostgreSQL, but asks only for the events after the version already folded (one round trip for the
 * cycle, its partnership, its plan and all its returns). So a snapshot is exactly what re-reading every stream
 * whole would give, without parsing and folding the whole cycle again for each of its agencies' mails.
 */
@Injectable()
export class ChaseSnapshots {
  private readonly kept = new Map<string, Folds>();

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /**
   * The cycle as chasing sees it now, and (in the same round trip) the whole of each stream `alongside`: the
   * chase streams of the agencies the caller is about.
   */
  async of(
    cycleId: string,
    alongside: readonly string[],
  ): Promise<{ snapshot: ChaseSnapshot; events: Map<string, StoredEvent[]> }> {
    const folds = this.foldsOf(cycleId);
    const cycleStream = cycleStreamId(cycleId);
    let cycle = folds.get(cycleStream)?.state as CycleState | undefined;
    if (!cycle || cycle.status === 'none' || cycle.status === 'drafted') {
      // Not known open yet: which partnership, plan and returns to read comes from the cycle itself.
      const events = await this.refresh(folds, [cycleStream], alongside);
      cycle = folds.get(cycleStream)!.state as CycleState;
      if (cycle.status === 'none' || cycle.status === 'drafted')
        return { snapshot: { opened: false, cycle }, events };
    }
    // Once open, a cycle's partnership, plan and list of returns never change: all of them in one read.
    const partnershipStream = partnershipStreamId(cycle.partnershipId);
    const planStream = planStreamId(cycle.partnershipId, cycle.planId);
    const returnStreams = cycle.returns.map((r) => returnStreamId(r.returnId));
    const events = await this.refresh(
      folds,
      [cycleStream, partnershipStream, planStream, ...returnStreams],
      alongside,
    );
    const opened = folds.get(cycleStream)!.state as CycleState;
    if (opened.status === 'none' || opened.status === 'drafted') {
      return { snapshot: { opened: false, cycle: opened }, events };
    }
    const returns: LiveReturnState[] = [];
    for (const id of returnStreams) {
      const state = folds.get(id)!.state as ReturnState;
      if (state.status !== 'none') returns.push(state);
    }
    const snapshot: ChaseSnapshot = {
      opened: true,
      cycle: opened,
      returns,
      partnership: folds.get(partnershipStream)!.state as PartnershipState,
      plan: folds.get(planStream)!.state as PlanState,
    };
    return { snapshot, events };
  }

  /** Reads the events after each stream's folded version and folds them in; `alongside` is read whole. */
  private async refresh(
    folds: Folds,
    streamIds: string[],
    alongside: readonly string[],
  ): Promise<Map<string, StoredEvent[]>> {
    const from = new Map(streamIds.map((id) => [id, (folds.get(id)?.version ?? 0) + 1]));
    for (const id of alongside) from.set(id, 1);
    const tails = await this.store.readStreamTails(from);
    for (const id of streamIds) {
      const kind = kindOf(id);
      const known = folds.get(id) ?? { state: initialFor[kind](), version: 0 };
      const next = catchUp(known, tails.get(id) as StoredEvent[], byStream[kind] as never);
      // Two jobs of one cycle may read at once: the fold that has seen more is the one to keep.
      const current = folds.get(id);
      if (!current || current.version <= next.version) folds.set(id, next);
    }
    return new Map(alongside.map((id) => [id, tails.get(id)!]));
  }

  /** The cycle's folds, most recently used last, so the least recently used cycles are the ones let go. */
  private foldsOf(cycleId: string): Folds {
    let folds = this.kept.get(cycleId);
    if (folds) this.kept.delete(cycleId);
    else folds = new Map();
    this.kept.set(cycleId, folds);
    let streams = 0;
    for (const kept of this.kept.values()) streams += kept.size;
    for (const [id, kept] of this.kept) {
      if (streams <= KEPT_STREAMS || id === cycleId) break;
      this.kept.delete(id);
      streams -= kept.size;
    }
    return folds;
  }
}
