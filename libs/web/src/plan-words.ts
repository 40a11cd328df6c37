import { Inject, Injectable } from '@nestjs/common';
import { Agency, Indicator, PartnershipState, PlanRepository, PlanState } from '../../plan/src/index.js';

/** The words pages put beside ids: a measure's text, an agency's name, the agencies still taking part. */
export interface PlanWords {
  measureText(measureRef: string): string;
  /** What a return for the measure gives values for; none for a measure without indicators. */
  measureIndicators(measureRef: string): Indicator[];
  agencyName(agencyId: string): string;
  /** A theme's title, and its place in the plan (themes are shown in the plan's order). */
  themeTitle(themeId: string): string;
  themePosition(themeId: string): number;
  activeAgencies: Agency[];
  /** An agency contact by email (as a link session records them), with their agency's name; null if none. */
  contact(email: string): { name: string; agencyName: string } | null;
}

export function planWords(plan: PlanState | null, partnership: PartnershipState): PlanWords {
  const agencies = partnership.status === 'registered' ? partnership.agencies : new Map<string, Agency>();
  return {
    measureText: (ref) => (plan?.status === 'adopted' ? (plan.measures.get(ref)?.text ?? '') : ''),
    measureIndicators: (ref) =>
      plan?.status === 'adopted' ? (plan.measures.get(ref)?.indicators ?? []) : [],
    agencyName: (id) => agencies.get(id)?.name ?? id,
    themeTitle: (id) => (plan?.status === 'adopted' ? (plan.themes.get(id)?.title ?? id) : id),
    themePosition: (id) =>
      plan?.status === 'adopted' ? (plan.themes.get(id)?.position ?? Number.MAX_SAFE_INTEGER) : 0,
    activeAgencies: [...agencies.values()].filter((a) => !a.retired),
    contact: (email) => {
      for (const agency of agencies.values()) {
        const found = agency.contacts.get(email.toLowerCase());
        if (found) return { name: found.name, agencyName: agency.name };
      }
      return null;
    },
  };
}

/** Loads the plan a cycle follows and its partnership, for planWords. */
@Injectable()
export class CyclePlanWords {
  constructor(@Inject(PlanRepository) private readonly plans: PlanRepository) {}

  async of(cycle: { partnershipId: string; planId: string }): Promise<PlanWords> {
    const [plan, partnership] = await Promise.all([
      this.plans.plan(cycle.partnershipId, cycle.planId),
      this.plans.partnership(cycle.partnershipId),
    ]);
    return planWords(plan, partnership);
  }
}
