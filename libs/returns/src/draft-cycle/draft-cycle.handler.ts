import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Clock,
  CommandResult,
  CYCLE_NAME,
  cycleNameOf,
  isScopedTo,
  DomainError,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import { ConcurrencyError, EventStore, metadataFor } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { initialCycle } from '../cycle/cycle.state.js';
import { PartnershipIndex } from '../partnership-index.js';
import { DraftCycleCommand } from './draft-cycle.command.js';

const cycleExists = () =>
  new DomainError('cycle-exists', 'Your partnership already has a cycle of that name', 'conflict', 'cycleId');

@CommandHandler(DraftCycleCommand)
export class DraftCycleHandler implements ICommandHandler<DraftCycleCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, facts }: DraftCycleCommand): Promise<CommandResult> {
    samePartnershipOr404(envelope.actor, facts.partnershipId, 'partnership');
    // Only ids scoped to the partnership are made from now on (see cycle-id.ts), so no partnership can find
    // out, by drafting, which ids another one holds.
    if (!isScopedTo(facts.cycleId, facts.partnershipId) || !CYCLE_NAME.test(cycleNameOf(facts.cycleId))) {
      throw new DomainError(
        'cycle-id-not-scoped',
        `A new cycle's id is ${facts.partnershipId}~<name>, the name lower-case letters, digits and "-"`,
        'unprocessable',
        'cycleId',
      );
    }
    const plan = await this.plans.plan(facts.partnershipId, facts.planId);
    if (plan.status === 'none') {
      throw new DomainError(
        'plan-not-found',
        `Partnership ${facts.partnershipId} has no plan ${facts.planId}`,
        'unprocessable',
        'planId',
      );
    }
    // A cycle of this partnership drafted before scoping holds the name as its whole id: in the partnership's
    // URLs the name stands for that cycle, so a second one may not take it.
    if ((await this.index.cycleIds(facts.partnershipId)).includes(cycleNameOf(facts.cycleId)))
      throw cycleExists();
    const events = decideCycle({ type: 'DraftCycle', actor: envelope.actor, ...facts }, initialCycle());
    try {
      const { nextExpectedVersion } = await this.store.append(
        cycleStreamId(facts.cycleId),
        'no_stream',
        events,
        metadataFor(envelope),
        { recordedAt: this.clock.now() },
      );
      return { id: facts.cycleId, version: nextExpectedVersion, status: 'drafted' };
    } catch (error) {
      if (error instanceof ConcurrencyError) throw cycleExists();
      throw error;
    }
  }
}
