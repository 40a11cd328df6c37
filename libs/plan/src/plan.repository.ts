import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, EventStore } from '../../event-store/src/index.js';
import { PartnershipEvent, partnershipStreamId, PlanEvent, planStreamId } from './plan.events.js';
import {
  evolvePartnership,
  evolveOwnedPlan,
  initialPartnership,
  initialPlan,
  PartnershipState,
  PlanState,
} from './plan.state.js';

@Injectable()
export class PlanRepository {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async plan(partnershipId: string, planId: string, asAt?: Date): Promise<PlanState> {
    const { state } = await aggregateStream<PlanState, PlanEvent>(
      this.store,
      planStreamId(partnershipId, planId),
      evolveOwnedPlan,
      initialPlan,
      { asAt },
    );
    return state;
  }

  async partnership(partnershipId: string, asAt?: Date): Promise<PartnershipState> {
    const { state } = await aggregateStream<PartnershipState, PartnershipEvent>(
      this.store,
      partnershipStreamId(partnershipId),
      evolvePartnership,
      initialPartnership,
      { asAt },
    );
    return state;
  }
}
