import { Actor, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { CycleState } from './cycle.state.js';

/** A cycle that exists: drafted, open or closed. */
export type LiveCycle = Exclude<CycleState, { status: 'none' }>;

/**
 * The cycle as the actor may see it. What they may not see is answered as missing (404), like a cycle that
 * does not exist: another partnership's, or another cycle than the one a submission link opened.
 */
export function visibleCycle(actor: Actor, cycleId: string, state: CycleState): LiveCycle {
  if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
  samePartnershipOr404(actor, state.partnershipId, 'cycle', cycleId);
  return state;
}
