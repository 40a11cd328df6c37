import { LiveReturnState, CycleState } from '../../../returns/src/index.js';
import { PartnershipState, PlanState } from '../../../plan/src/index.js';
import { OpenedCycle } from '../cycle-returns.js';

/**
 * What a chase or a digest reads about a cycle: the cycle, every live return it requested (with its current
 * agency, so a return reassigned to an agency is chased with it), its partnership and its plan, all as the events
 * stood at one read.
 */
export type ChaseSnapshot =
  | { opened: false; cycle: CycleState }
  | {
      opened: true;
      cycle: OpenedCycle;
      returns: LiveReturnState[];
      partnership: PartnershipState;
      plan: PlanState;
    };
