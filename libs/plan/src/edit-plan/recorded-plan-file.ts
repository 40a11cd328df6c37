import { stringify } from 'yaml';
import { PlanFile } from '../plan-file.js';
import { PartnershipState, PlanState } from '../plan.state.js';

export type RegisteredPartnership = Extract<PartnershipState, { status: 'registered' }>;
export type AdoptedPlan = Extract<PlanState, { status: 'adopted' }>;

const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;

/**
 * The plan as its events say it is now, written as the plan file the import reads: agencies (retired ones left
 * out, as the import retires an agency the file leaves out), then themes in order with their priorities and
 * measures in order. Importing it records nothing (decideImportPlan compares it field by field and finds the
 * same), which is what makes the YAML download a safe starting point for an edit, and what lets each form on the
 * plan page be an edit of this file decided by the import's own rules.
 */
export function recordedPlanFile(partnership: RegisteredPartnership, plan: AdoptedPlan): PlanFile {
  const measures = [...plan.measures.values()].sort(byPosition);
  const priorities = [...plan.priorities.values()].sort(byPosition);
  return {
    partnership: { id: partnership.partnershipId, name: partnership.name },
    plan: { id: plan.planId, title: plan.title, periodStart: plan.periodStart, periodEnd: plan.periodEnd },
    agencies: [...partnership.agencies.values()]
      .filter((a) => !a.retired)
      .map((a) => ({
        id: a.id,
        name: a.name,
        contacts: [...a.contacts.values()].map(({ name, email, role }) => ({ name, email, role })),
      })),
    themes: [...plan.themes.values()].sort(byPosition).map((theme) => ({
      id: theme.themeId,
      title: theme.title,
      ambition: theme.ambition,
      leadAgencies: [...theme.leadAgencyIds],
      priorities: priorities
        .filter((p) => p.themeId === theme.themeId)
        .map(({ ref, text }) => ({ ref, text })),
      measures: measures
        .filter((m) => m.themeId === theme.themeId)
        .map((m) => ({
          ref: m.ref,
          text: m.text,
          leadAgency: m.leadAgencyId,
          ...(m.priorityRef ? { priority: m.priorityRef } : {}),
          ...(m.indicators?.length ? { indicators: structuredClone(m.indicators) } : {}),
        })),
    })),
  };
}

/** A plan file as YAML, in the shape of examples/sevenoaks-2019-22.yaml (long text kept on one line). */
export function planFileYaml(file: PlanFile): string {
  const header = [
    `# The plan of ${file.partnership.name}, as recorded by Partner Returns.`,
    '# Edit it and load it on the plan page (or POST /plan/import): only what you change is recorded.',
  ].join('\n');
  // A baseline left out is null in the plan, and the file leaves it out again (the schema has no null).
  const noNullBaseline = (key: unknown, value: unknown) =>
    key === 'baseline' && value === null ? undefined : value;
  return `${header}\n${stringify(file, noNullBaseline, { lineWidth: 0 })}`;
}
