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
  if (cycle !== 'closed' && cycle !== 'published') return;
  if (state.approved !== null && AMENDMENT.includes(command)) return;
  throw new DomainError(
    'cycle-closed',
    'This cycle is closed: its returns no longer change, except amendments to approved ones',
    'conflict',
  );
}
