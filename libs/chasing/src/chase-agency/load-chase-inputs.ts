import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { chaseStreamId } from '../chase/chase.events.js';
import { ChaseInputs } from '../chase/chase.decide.js';
import { foldChaseEvents } from '../chase/chase.state.js';
import { CycleReturns } from '../cycle-returns.js';

/** What deciding the chases of several agencies of one cycle reads: shared, but each agency's own chase stream. */
export type CycleChaseInputs = Omit<ChaseInputs, 'chase' | 'calendar'> & {
  chases: Map<string, ChaseInputs['chase']>;
};

/**
 * Loads, before anything is decided, what chasing some agencies of a cycle reads: the cycle with every stream it
 * needs and each agency's chase stream in one round trip, then (only for an open cycle whose scheduled steps may
 * escalate) the partnership's coordinators. A chase the coordinator asked for never escalates, so it needs no
 * second read.
 */
export async function loadChaseInputs(
  snapshots: ChaseSnapshots,
  cycleReturns: CycleReturns,
  cycleId: string,
  agencyIds: readonly string[],
  scheduled: boolean,
): Promise<CycleChaseInputs> {
  const streamIds = agencyIds.map((agencyId) => chaseStreamId(cycleId, agencyId));
  const { snapshot, events } = await snapshots.of(cycleId, streamIds);
  const chases = new Map(
    agencyIds.map((agencyId, i) => [agencyId, foldChaseEvents(events.get(streamIds[i])!)]),
  );
  const coordinators =
    scheduled && snapshot.opened && snapshot.cycle.status === 'open'
      ? await cycleReturns.coordinators(snapshot.cycle.partnershipId)
      : [];
  return { snapshot, chases, coordinators };
}
