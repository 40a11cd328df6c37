import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { Clock } from '../../../kernel/src/index.js';
import { decideRetentionPeriods, evolveRetention, retentionStreamId } from './retention-periods.js';
import { RetentionSettings, RetentionView, viewOf } from './retention-settings.query.js';
import { SetRetentionPeriodsCommand } from './set-retention-periods.command.js';

/** Decides on the coordinator's own partnership's retention stream; a stale version is a 409. */
@CommandHandler(SetRetentionPeriodsCommand)
export class SetRetentionPeriodsHandler implements ICommandHandler<SetRetentionPeriodsCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(RetentionSettings) private readonly settings: RetentionSettings,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, periods }: SetRetentionPeriodsCommand): Promise<RetentionView> {
    const partnershipId = envelope.actor.partnershipId;
    const streamId = retentionStreamId(partnershipId);
    const { state, version } = await this.settings.load(partnershipId);
    refuseStaleVersion(streamId, envelope.expectedVersion, version);
    const events = decideRetentionPeriods(
      { type: 'SetRetentionPeriods', actor: envelope.actor, partnershipId, periods },
      state,
    );
    if (events.length === 0) return viewOf(state, version);
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version === 0 ? 'no_stream' : version,
      events,
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
    );
    return viewOf(events.reduce(evolveRetention, state), nextExpectedVersion);
  }
}
