import { OutstandingReturnLine } from '../../../mail/src/index.js';
import { PlanState } from '../../../plan/src/index.js';
import { LiveReturnState } from '../../../returns/src/index.js';

/** The agency's outstanding returns as a digest lists them, each with its measure's wording. */
export function digestLines(plan: PlanState, returns: LiveReturnState[]): OutstandingReturnLine[] {
  const measures = plan.status === 'adopted' ? plan.measures : new Map<string, { text: string }>();
  return returns.map((r) => ({
    ref: r.measureRef,
    text: measures.get(r.measureRef)?.text ?? '',
    state:
      r.status === 'requested'
        ? 'not started'
        : r.sentBackReason
          ? `sent back: ${r.sentBackReason}`
          : 'draft saved',
    dueDate: r.dueDate,
  }));
}
