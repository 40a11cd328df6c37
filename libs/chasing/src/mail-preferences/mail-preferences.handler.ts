import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { Clock } from '../../../kernel/src/index.js';
import { ChooseMailDeliveryCommand, MailPreferenceView } from './mail-preferences.command.js';
import { decideMailPreference, evolveMailPreference, mailPreferenceStreamId } from './mail-preference.js';
import { MailPreferences } from './mail-preferences.query.js';

@CommandHandler(ChooseMailDeliveryCommand)
export class ChooseMailDeliveryHandler implements ICommandHandler<ChooseMailDeliveryCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(MailPreferences) private readonly preferences: MailPreferences,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, delivery }: ChooseMailDeliveryCommand): Promise<MailPreferenceView> {
    const staffId = await this.preferences.staffIdOf(envelope.actor);
    const streamId = mailPreferenceStreamId(staffId);
    const { state, version } = await this.preferences.load(staffId);
    refuseStaleVersion(streamId, envelope.expectedVersion, version);
    const events = decideMailPreference(
      { type: 'ChooseMailDelivery', actor: envelope.actor, staffId, delivery },
      state,
    );
    if (events.length === 0) return this.preferences.viewOf(state, version);
    const { nextExpectedVersion } = await this.store.append(
      streamId,
      version === 0 ? 'no_stream' : version,
      events,
      metadataFor(envelope),
      { recordedAt: this.clock.now() },
    );
    return this.preferences.viewOf(events.reduce(evolveMailPreference, state), nextExpectedVersion);
  }
}
