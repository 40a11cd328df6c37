import { Indicator, PartnershipState, PlanState } from '../../../plan/src/index.js';

export interface PlanView {
  partnershipId: string;
  planId: string;
  title: string;
  periodStart: string;
  periodEnd: string;
  themes: {
    themeId: string;
    title: string;
    ambition: string;
    leadAgencies: { agencyId: string; name: string }[];
    priorities: { ref: string; text: string }[];
    measures: {
      ref: string;
      text: string;
      leadAgencyId: string;
      leadAgency: string;
      priorityRef: string | null;
      /** What a return gives a value for; left out for a measure without indicators. */
      indicators?: Indicator[];
    }[];
  }[];
}

const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;

/** The plan as the coordinator wrote it: themes in order, each with its lead agencies, priorities and measures. */
export function toPlanView(
  plan: Extract<PlanState, { status: 'adopted' }>,
  partnership: PartnershipState,
): PlanView {
  const agencies = partnership.status === 'registered' ? partnership.agencies : new Map();
  const agencyName = (id: string): string => agencies.get(id)?.name ?? id;
  return {
    partnershipId: plan.partnershipId,
    planId: plan.planId,
    title: plan.title,
    periodStart: plan.periodStart,
    periodEnd: plan.periodEnd,
    themes: [...plan.themes.values()].sort(byPosition).map((theme) => ({
      themeId: theme.themeId,
      title: theme.title,
      ambition: theme.ambition,
      leadAgencies: theme.leadAgencyIds.map((agencyId) => ({ agencyId, name: agencyName(agencyId) })),
      priorities: [...plan.priorities.values()]
        .filter((p) => p.themeId === theme.themeId)
        .sort(byPosition)
        .map(({ ref, text }) => ({ ref, text })),
      measures: [...plan.measures.values()]
        .filter((m) => m.themeId === theme.themeId)
        .sort(byPosition)
        .map((m) => ({
          ref: m.ref,
          text: m.text,
          leadAgencyId: m.leadAgencyId,
          leadAgency: agencyName(m.leadAgencyId),
          priorityRef: m.priorityRef,
          ...(m.indicators?.length ? { indicators: m.indicators } : {}),
        })),
    })),
  };
}
