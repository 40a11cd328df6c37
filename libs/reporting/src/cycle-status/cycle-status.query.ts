import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { GetCycle } from '../../../returns/src/index.js';
import { buildCycleStatus, CycleStatus } from './cycle-status.js';
import { statusInputFromEvents } from './cycle-status.from-events.js';

/** Who has and has not returned: loads the status input from the events, then the pure buildCycleStatus. */
@Injectable()
export class GetCycleStatus {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  /** The status now, or as it stood at asAt; an agency lead sees only their agency's returns. */
  async status(actor: Actor, cycleId: string, now: Date, asAt: Date | null): Promise<CycleStatus> {
    const { state: cycle } = await this.cycles.cycle(actor, cycleId, asAt ?? undefined);
    const input = await statusInputFromEvents(this.store, this.plans, cycle, now, asAt);
    if (actor.role === 'agency-lead')
      input.returns = input.returns.filter((r) => r.agencyId === actor.agencyId);
    return buildCycleStatus(input);
  }
}
