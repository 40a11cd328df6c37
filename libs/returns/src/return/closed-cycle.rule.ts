import { CycleState } from '../cycle/cycle.state.js';
import { DomainError } from '../../../kernel/src/index.js';
import { ReturnCommand } from './return.decide.js';
import { LiveReturnState } from './return.state.js';

const AMENDMENT: ReturnCommand['type'][] = [
  'ReopenReturn',
  'SaveReturnDraft',
  'SubmitReturn',
  'ApproveReturn',
  'SendReturnBack',
  'AcceptReturn',
  'ReturnToReview',
];

/**
 * Once its cycle is closed a return is settled, except that an approved one may still be amended (reopened,
 * rewritten and reviewed again); the amendment shows in the next publication of the report. A return that was
 * unresolved at closing stays as it was, so a forced close cannot be undone by the back door.
 */
export function refuseOnClosedCycle(
  command: ReturnCommand['type'],
  cycle: CycleState['status'],
  state: LiveReturnState,
): void {
  refuseUnlessAmendingOnClosedCycle(cycle, state.approved !== null && AMENDMENT.includes(command));
}

/**
 * The same rule for a change that is not a return command (a return's files): once the cycle is closed, only an
 * amendment of a signed-off return (`amending`: it has a version the report shows) still changes.
 */
export function refuseUnlessAmendingOnClosedCycle(cycle: CycleState['status'], amending: boolean): void {
  if (cycle !== 'closed' && cycle !== 'published') return;
  if (amending) return;
  throw new DomainError(
    'cycle-closed',
    'This cycle is closed: its returns no longer change, except amendments to approved ones',
    'conflict',
  );
}
