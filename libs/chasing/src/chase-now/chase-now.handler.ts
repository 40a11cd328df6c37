import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { EventStore, metadataFor } from '../../../event-store/src/index.js';
import { ChaseEvent, chaseStreamId } from '../chase/chase.events.js';
import { CycleReturns, isOutstanding } from '../cycle-returns.js';
import { ChaseNowCommand, ChaseNowResult } from './chase-now.command.js';
import { decideChaseNow } from './chase-now.decide.js';

@CommandHandler(ChaseNowCommand)
export class ChaseNowHandler implements ICommandHandler<ChaseNowCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, cycleId, agencyId }: ChaseNowCommand): Promise<ChaseNowResult> {
    const { cycle, returns } = await this.cycleReturns.load(cycleId);
    // Whether it exists is answered before who may chase it, to everyone alike: another partnership's cycle and
    // a cycle that never existed then answer the same 404, whatever the caller's role.
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, cycle.partnershipId, 'cycle', cycleId);
    const outstanding = new Map<string, number>();
    for (const r of returns.filter(isOutstanding))
      outstanding.set(r.agencyId, (outstanding.get(r.agencyId) ?? 0) + 1);
    const inCycle = new Set(returns.map((r) => r.agencyId));
    const agencies = decideChaseNow(envelope.actor, cycle, outstanding, inCycle, agencyId);
    // Each agency's chase stream takes its own request: all of them in one transaction, or none.
    const written = await this.store.appendMany(
      agencies.map((id) => {
        const requested: ChaseEvent = { type: 'ChaseRequested', data: { cycleId, agencyId: id } };
        return { streamId: chaseStreamId(cycleId, id), expectedVersion: 'any' as const, events: [requested] };
      }),
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
    );
    return {
      cycleId,
      chased: agencies.map((id, i) => ({ agencyId: id, step: `now-${written[i].nextExpectedVersion}` })),
    };
  }
}
