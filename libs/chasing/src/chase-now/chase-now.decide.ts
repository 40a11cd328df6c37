import { Actor, DomainError, isWellFormedId } from '../../../kernel/src/index.js';
import { CycleState } from '../../../returns/src/index.js';

/**
 * "Chase now": the coordinator asks for a chase outside the schedule, for one agency or for every agency that
 * still has returns outstanding. The answer is which agencies get a ChaseRequested event.
 */
export function decideChaseNow(
  actor: Actor,
  cycle: CycleState,
  outstandingByAgency: Map<string, number>,
  inCycle: Set<string>,
  agencyId: string | null,
): string[] {
  if (actor.role !== 'coordinator')
    throw new DomainError('forbidden', 'Only a coordinator can chase', 'forbidden');
  if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
  if (cycle.status !== 'open') {
    throw new DomainError(`cycle-${cycle.status}`, 'Only an open cycle has agencies to chase', 'conflict');
  }
  if (agencyId !== null) {
    // An id that cannot name an agency is one the cycle does not have, however the set is keyed.
    if (!isWellFormedId('slug', agencyId) || !inCycle.has(agencyId))
      throw new DomainError('agency-not-in-cycle', 'That agency has no returns in this cycle', 'not-found');
    if (!outstandingByAgency.get(agencyId)) {
      throw new DomainError(
        'nothing-outstanding',
        'That agency has submitted every return it owes',
        'conflict',
      );
    }
    return [agencyId];
  }
  const agencies = [...outstandingByAgency.entries()]
    .filter(([, n]) => n > 0)
    .map(([id]) => id)
    .sort();
  if (agencies.length === 0)
    throw new DomainError('nothing-outstanding', 'Every agency has submitted', 'conflict');
  return agencies;
}
