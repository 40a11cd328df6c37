import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  Clock,
  CommandEnvelope,
  CommandResult,
  CYCLE_NAME,
  cycleNameFromLabel,
  cycleNameOf,
  firstFreeCycleName,
  isScopedTo,
  DomainError,
  samePartnershipOr404,
  scopedCycleId,
} from '../../../kernel/src/index.js';
import { ConcurrencyError, EventStore, metadataFor } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { CycleFacts, initialCycle } from '../cycle/cycle.state.js';
import { PartnershipIndex } from '../partnership-index.js';
import { DraftCycleCommand } from './draft-cycle.command.js';

const cycleExists = () =>
  new DomainError('cycle-exists', 'Your partnership already has a cycle of that name', 'conflict', 'cycleId');

/**
 * How many names a cycle named from its label tries when others take them at the same moment: two coordinators
 * drafting "Year 1 2019/20" together get `year-1-2019-20` and `-2`, and only a crowd this size gets a 409.
 */
const NAMING_ATTEMPTS = 5;

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
    const { cycleId, ...rest } = facts;
    // Only ids scoped to the partnership are made from now on (see cycle-id.ts), so no partnership can find
    // out, by drafting, which ids another one holds.
    if (
      cycleId !== undefined &&
      (!isScopedTo(cycleId, facts.partnershipId) || !CYCLE_NAME.test(cycleNameOf(cycleId)))
    ) {
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
    // Every name the partnership has given: a scoped cycle's name, and the whole id of one drafted before
    // scoping, which in the partnership's URLs the name stands for, so a second one may not take it.
    const taken = new Set((await this.index.cycleIds(facts.partnershipId)).map(cycleNameOf));
    if (cycleId !== undefined) {
      // A name the coordinator chose is theirs to change: taken, it is a 409, never quietly another.
      if (taken.has(cycleNameOf(cycleId))) throw cycleExists();
      const drafted = await this.draft(envelope, { ...rest, cycleId });
      if (!drafted) throw cycleExists();
      return drafted;
    }
    // Named from the label. Another draft may take the same name between reading `taken` and appending: the
    // new-stream check refuses the second, which moves on to the next name.
    const wanted = cycleNameFromLabel(facts.label) ?? randomUUID();
    for (let attempt = 0; attempt < NAMING_ATTEMPTS; attempt++) {
      const name = firstFreeCycleName(wanted, taken);
      const drafted = await this.draft(envelope, {
        ...rest,
        cycleId: scopedCycleId(facts.partnershipId, name),
      });
      if (drafted) return drafted;
      taken.add(name);
    }
    throw new DomainError(
      'cycle-exists',
      'Other cycles of that name were being drafted at the same moment: try again',
      'conflict',
      'cycleId',
    );
  }

  /** Appends the cycle's first events to a new stream: null when the stream already exists. */
  private async draft(envelope: CommandEnvelope, facts: CycleFacts): Promise<CommandResult | null> {
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
      if (error instanceof ConcurrencyError) return null;
      throw error;
    }
  }
}
