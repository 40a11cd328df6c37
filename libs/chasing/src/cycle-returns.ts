import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../event-store/src/index.js';
import { PlanRepository, Agency } from '../../plan/src/index.js';
import {
  CycleRepository,
  CycleState,
  ReturnEvent,
  returnStreamId,
  foldReturnEvents,
  LiveReturnState,
} from '../../returns/src/index.js';
import { DEFAULT_CHASE_POLICY, ChasePolicy } from '../../kernel/src/index.js';

export type OpenedCycle = Exclude<CycleState, { status: 'none' } | { status: 'drafted' }>;

/** Not yet submitted: what chasing is about (overdue is this, past the due date). */
export const isOutstanding = (r: LiveReturnState) => r.status === 'requested' || r.status === 'draft';

export const policyOf = (cycle: { chasePolicy?: ChasePolicy }): ChasePolicy =>
  cycle.chasePolicy ?? DEFAULT_CHASE_POLICY;

/** Everything chasing reads about a cycle, straight from the events (never from a read model that may lag). */
@Injectable()
export class CycleReturns {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async load(cycleId: string): Promise<{ cycle: CycleState; returns: LiveReturnState[] }> {
    const { state: cycle } = await this.cycles.load(cycleId);
    const requested = cycle.status === 'none' || cycle.status === 'drafted' ? [] : cycle.returns;
    const streams = await this.store.readStreams<ReturnEvent>(
      requested.map((r) => returnStreamId(r.returnId)),
    );
    const returns = [...streams.values()].flatMap((events) => {
      const state = foldReturnEvents(events);
      return state.status === 'none' ? [] : [state];
    });
    return { cycle, returns };
  }

  async agency(
    partnershipId: string,
    agencyId: string,
  ): Promise<{ partnershipName: string; agency: Agency | null }> {
    const partnership = await this.plans.partnership(partnershipId);
    if (partnership.status !== 'registered') return { partnershipName: '', agency: null };
    return { partnershipName: partnership.name, agency: partnership.agencies.get(agencyId) ?? null };
  }

  /** The coordinators of a partnership (signed-up staff accounts still enabled): an escalation goes to them. */
  async coordinators(partnershipId: string): Promise<{ email: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT email, name FROM staff_accounts WHERE partnership_id = $1 AND role = 'coordinator' AND disabled_at IS NULL
       ORDER BY email`,
      [partnershipId],
    );
  }
}
