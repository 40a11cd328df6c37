import { DomainError } from '../../../kernel/src/index.js';
import { decideImportPlan, ImportPlanDecision } from '../import-plan/import-plan.decide.js';
import { PartnershipState, PlanState } from '../plan.state.js';
import { editPlanFile, PlanEdit, PlanEditContext, PlanEditProblem } from './plan-edit.js';
import { recordedPlanFile } from './recorded-plan-file.js';

export type EditPlanDecision =
  { ok: true; decision: ImportPlanDecision } | { ok: false; problems: PlanEditProblem[] };

/**
 * A form's edit of the plan, decided by the import's own rules: the plan as recorded is written as a file, the
 * edit is made to that file, and decideImportPlan compares the two. So a form records exactly the events that
 * importing the same change would (ThemeAdded, MeasureChanged, AgencyContactRemoved...), and nothing else.
 */
export function decideEditPlan(
  edit: PlanEdit,
  partnership: PartnershipState,
  plan: PlanState,
  context: PlanEditContext,
): EditPlanDecision {
  if (partnership.status !== 'registered' || plan.status !== 'adopted')
    throw new DomainError(
      'plan-not-found',
      'There is no plan to edit yet: load one from a file',
      'not-found',
    );
  const edited = editPlanFile(recordedPlanFile(partnership, plan), edit, context);
  if (!edited.ok) return edited;
  return { ok: true, decision: decideImportPlan(edited.file, partnership, plan) };
}
