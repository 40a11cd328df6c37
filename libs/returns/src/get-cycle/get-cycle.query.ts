import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { SignOff, signOffOf } from '../cycle/sign-off.js';
import { LiveCycle, visibleCycle } from '../cycle/visible-cycle.js';
import { ReturnView } from '../get-return/return-view.js';
import { ListReturns, ReturnSummary, summaryOf } from '../list-returns/list-returns.query.js';

export interface CycleView {
  cycleId: string;
  version: number;
  status: LiveCycle['status'];
  partnershipId: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  /** The coordinator's own title and year heading for the report; null for the defaults. */
  reportTitle: string | null;
  yearHeading: string | null;
  /** The report's opening sentence as the coordinator wrote it; null for the default. */
  introduction: string | null;
  /** One or two stages of sign-off (cycles drafted before the choice read as one stage). */
  signOff: SignOff;
  returns: ReturnSummary[];
}

/** The cycle and the state of each of its returns (an agency lead sees only their agency's). */
export function cycleView(actor: Actor, cycle: LiveCycle, version: number, returns: ReturnView[]): CycleView {
  const { status, cycleId, partnershipId, planId, label, periodStart, periodEnd, dueDate } = cycle;
  return {
    cycleId,
    version,
    status,
    partnershipId,
    planId,
    label,
    periodStart,
    periodEnd,
    dueDate,
    reportTitle: cycle.reportTitle ?? null,
    yearHeading: cycle.yearHeading ?? null,
    introduction: cycle.introduction ?? null,
    signOff: signOffOf(cycle.signOff),
    returns: returns
      .filter((v) => actor.role !== 'agency-lead' || v.agencyId === actor.agencyId)
      .map(summaryOf),
  };
}

/** One cycle as the API and the pages show it. */
@Injectable()
export class GetCycle {
  constructor(
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(ListReturns) private readonly returns: ListReturns,
  ) {}

  /** The cycle's state and version (as it stood at asAt, when given); 404 when the actor may not see it. */
  async cycle(actor: Actor, cycleId: string, asAt?: Date): Promise<{ state: LiveCycle; version: number }> {
    const { state, version } = await this.cycles.load(cycleId, asAt);
    return { state: visibleCycle(actor, cycleId, state), version };
  }

  async view(actor: Actor, cycleId: string): Promise<CycleView> {
    const { state, version } = await this.cycle(actor, cycleId);
    return cycleView(actor, state, version, await this.returns.of(state));
  }
}
