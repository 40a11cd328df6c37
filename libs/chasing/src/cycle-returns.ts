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
import { ChaseRecipient } from './chase/chase.events.js';

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

  /** The coordinators of a partnership (signed-up staff accounts still enabled). */
  async coordinators(partnershipId: string): Promise<{ email: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT email, name FROM staff_accounts WHERE partnership_id = $1 AND role = 'coordinator' AND disabled_at IS NULL
       ORDER BY email`,
      [partnershipId],
    );
  }

  /** Who is chased: the agency's leads; on escalation also its senior contacts and the coordinators. */
  async recipients(partnershipId: string, agency: Agency, escalate: boolean): Promise<ChaseRecipient[]> {
    const contacts = [...agency.contacts.values()];
    const leads = contacts
      .filter((c) => c.role === 'lead')
      .map((c) => ({ email: c.email, role: 'lead' as const }));
    if (!escalate) return leads;
    const seniors = contacts
      .filter((c) => c.role === 'senior')
      .map((c) => ({ email: c.email, role: 'senior' as const }));
    const coordinators = (await this.coordinators(partnershipId)).map((c) => ({
      email: c.email,
      role: 'coordinator' as const,
    }));
    const seen = new Set<string>();
    return [...leads, ...seniors, ...coordinators].filter((r) => !seen.has(r.email) && seen.add(r.email));
  }
}
