import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/plan.repository.js';
import { CommandResult, metadataFor } from '../command-envelope.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { initialCycle } from '../cycle/cycle.state.js';
import { DomainError, samePartnershipOr404 } from '../domain-error.js';
import { DraftCycleCommand } from './draft-cycle.command.js';

@CommandHandler(DraftCycleCommand)
export class DraftCycleHandler implements ICommandHandler<DraftCycleCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, facts }: DraftCycleCommand): Promise<CommandResult> {
    samePartnershipOr404(envelope.actor, facts.partnershipId, 'partnership');
    const plan = await this.plans.plan(facts.partnershipId, facts.planId);
    if (plan.status === 'none') {
      throw new DomainError(
        'plan-not-found',
        `Partnership ${facts.partnershipId} has no plan ${facts.planId}`,
        422,
        'planId',
      );
    }
    const events = decideCycle({ type: 'DraftCycle', actor: envelope.actor, ...facts }, initialCycle());
    const { nextExpectedVersion } = await this.store.append(
      cycleStreamId(facts.cycleId),
      'no_stream',
      events,
      metadataFor(envelope),
      {
        recordedAt: this.clock.now(),
      },
    );
    return { id: facts.cycleId, version: nextExpectedVersion, status: 'drafted' };
  }
}
