import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { Clock, CommandResult, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { decideCycle } from '../cycle/cycle.decide.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { SetReportHeadingsCommand } from './set-report-headings.command.js';

@CommandHandler(SetReportHeadingsCommand)
export class SetReportHeadingsHandler implements ICommandHandler<SetReportHeadingsCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Decided again when a link's use lands on the cycle meanwhile, as a close is (CloseCycleHandler). */
  execute(command: SetReportHeadingsCommand): Promise<CommandResult> {
    const { envelope, cycleId } = command;
    return decidedAgainWhenOutrun(cycleStreamId(cycleId), envelope.expectedVersion, () =>
      this.setOnce(command),
    );
  }

  private async setOnce({
    envelope,
    cycleId,
    reportTitle,
    yearHeading,
    introduction,
  }: SetReportHeadingsCommand): Promise<CommandResult> {
    const { state, version } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'cycle', cycleId);
    refuseStaleVersion(cycleStreamId(cycleId), envelope.expectedVersion, version);
    const events = decideCycle(
      { type: 'SetReportHeadings', actor: envelope.actor, reportTitle, yearHeading, introduction },
      state,
    );
    if (events.length === 0) return { id: cycleId, version, status: state.status };
    const { nextExpectedVersion } = await this.store.append(
      cycleStreamId(cycleId),
      version,
      events,
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
    );
    return { id: cycleId, version: nextExpectedVersion, status: state.status };
  }
}
