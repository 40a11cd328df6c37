import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Clock, CommandResult, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import {
  decidedAgainWhenOutrun,
  EventStore,
  holdingStream,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { ReturnRepository } from '../return/return.repository.js';
import { isResolved } from '../return/return.state.js';
import { CloseCycleCommand } from './close-cycle.command.js';

@CommandHandler(CloseCycleCommand)
export class CloseCycleHandler implements ICommandHandler<CloseCycleCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /**
   * Every use of a link is written to the cycle, and leads open theirs most in a cycle's last days: the close holds
   * the cycle's row while it reads, decides and appends, so uses wait for it rather than outrun each of its tries
   * (a burst of clicks at the year's end outran all eight, 409). One outrun before it took the row (a stream held
   * by a writer between its read and its append) is decided again on the cycle as it now stands, unless a
   * version was stated.
   */
  execute(command: CloseCycleCommand): Promise<CommandResult> {
    const { envelope, cycleId } = command;
    return decidedAgainWhenOutrun(cycleStreamId(cycleId), envelope.expectedVersion, () =>
      holdingStream(this.dataSource, cycleStreamId(cycleId), () => this.closeOnce(command)),
    );
  }

  private async closeOnce({ envelope, cycleId, force, reason }: CloseCycleCommand): Promise<CommandResult> {
    const { state, version } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'cycle', cycleId);
    refuseStaleVersion(cycleStreamId(cycleId), envelope.expectedVersion, version);
    // What the rules weigh: which returns are still neither signed off nor withdrawn, read from their streams.
    const requested = state.status === 'drafted' ? [] : state.returns;
    const unresolvedReturnIds = (await this.returns.loadMany(requested.map((r) => r.returnId)))
      .filter(({ state: r }) => !isResolved(r))
      .map(({ state: r }) => r.returnId);
    const events = decideCycle(
      { type: 'CloseCycle', actor: envelope.actor, unresolvedReturnIds, force, reason },
      state,
    );
    // The reason stays out of the metadata: CycleClosed holds it apart (CYCLE_REASON_TEXTS), where it can be
    // redacted, and a copy in the metadata would keep it readable in the log for good.
    const { nextExpectedVersion } = await this.store.append(
      cycleStreamId(cycleId),
      version,
      events,
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
    );
    return { id: cycleId, version: nextExpectedVersion, status: 'closed' };
  }
}
