import { PlanRepository } from '../../../plan/src/index.js';
import { DomainError } from '../../../kernel/src/index.js';
import { CycleState } from '../../../returns/src/index.js';
import { ReportInput } from './report-input.js';

/** A cycle that was drafted: what a report or a status can be made of. */
export type KnownCycle = Exclude<CycleState, { status: 'none' }>;

/** The part of a report's input that does not depend on where the returns are read from. */
export type ReportHeading = Pick<ReportInput, 'cycle' | 'partnershipName' | 'agencyNames' | 'plan'>;

/**
 * The cycle, the partnership's and agencies' names and the plan, as they stood at `asAt` (now when omitted):
 * both report sources (the read model and the events) start from this.
 */
export async function reportHeading(
  plans: PlanRepository,
  cycle: KnownCycle,
  asAt?: Date,
): Promise<ReportHeading> {
  const [plan, partnership] = await Promise.all([
    plans.plan(cycle.partnershipId, cycle.planId, asAt),
    plans.partnership(cycle.partnershipId, asAt),
  ]);
  if (plan.status === 'none')
    throw new DomainError('plan-not-found', "The cycle's plan is missing", 'not-found');
  return {
    cycle: {
      cycleId: cycle.cycleId,
      partnershipId: cycle.partnershipId,
      planId: cycle.planId,
      label: cycle.label,
      periodStart: cycle.periodStart,
      periodEnd: cycle.periodEnd,
      status: cycle.status,
      reportTitle: cycle.reportTitle ?? null,
      yearHeading: cycle.yearHeading ?? null,
      introduction: cycle.introduction ?? null,
    },
    partnershipName: partnership.status === 'registered' ? partnership.name : cycle.partnershipId,
    agencyNames: new Map(
      partnership.status === 'registered'
        ? [...partnership.agencies.values()].map((a) => [a.id, a.name])
        : [],
    ),
    plan,
  };
}
