import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import {
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import {
  ConfigureSingleSignOnCommand,
  TurnOffSingleSignOnCommand,
} from './configure-single-sign-on.command.js';
import {
  decideSingleSignOn,
  evolveSingleSignOn,
  SingleSignOnCommand,
  singleSignOnStreamId,
} from './single-sign-on.js';
import { SingleSignOnSetups, SingleSignOnView } from './single-sign-on.query.js';

/**
 * Decides a coordinator's command on their own partnership's stream and appends what it says. Staff signing in
 * for the first time write to the same stream (StaffLinkedToSingleSignOn): a coordinator who stated no version
 * (If-Match) and was outrun by one is decided again on the stream as it now stands; one who did is refused (409).
 */
function decideAndAppend(
  store: EventStore,
  setups: SingleSignOnSetups,
  clock: Clock,
  envelope: CommandEnvelope,
  command: SingleSignOnCommand,
): Promise<SingleSignOnView> {
  const streamId = singleSignOnStreamId(envelope.actor.partnershipId);
  return decidedAgainWhenOutrun(streamId, envelope.expectedVersion, () =>
    decideAndAppendOnce(store, setups, clock, envelope, command),
  );
}

async function decideAndAppendOnce(
  store: EventStore,
  setups: SingleSignOnSetups,
  clock: Clock,
  envelope: CommandEnvelope,
  command: SingleSignOnCommand,
): Promise<SingleSignOnView> {
  const partnershipId = envelope.actor.partnershipId;
  const streamId = singleSignOnStreamId(partnershipId);
  const { state, version } = await setups.load(partnershipId);
  refuseStaleVersion(streamId, envelope.expectedVersion, version);
  const events = decideSingleSignOn(command, state);
  if (events.length === 0) return setups.viewOf(partnershipId, state, version);
  // Under a savepoint in a request's own transaction (Idempotency-Key), so that being outrun can be tried again.
  const { nextExpectedVersion } = await store.appendWhileUnchanged(
    { streamId, expectedVersion: version === 0 ? 'no_stream' : version, events },
    [],
    metadataFor(envelope),
    { recordedAt: clock.now() },
  );
  return setups.viewOf(partnershipId, events.reduce(evolveSingleSignOn, state), nextExpectedVersion);
}

@CommandHandler(ConfigureSingleSignOnCommand)
export class ConfigureSingleSignOnHandler implements ICommandHandler<ConfigureSingleSignOnCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ envelope, settings }: ConfigureSingleSignOnCommand): Promise<SingleSignOnView> {
    return decideAndAppend(this.store, this.setups, this.clock, envelope, {
      type: 'ConfigureSingleSignOn',
      actor: envelope.actor,
      partnershipId: envelope.actor.partnershipId,
      settings,
      // A provider on this machine over plain HTTP is for development and tests, never production.
      allowLoopbackHttp: this.config.nodeEnv !== 'production',
    });
  }
}

@CommandHandler(TurnOffSingleSignOnCommand)
export class TurnOffSingleSignOnHandler implements ICommandHandler<TurnOffSingleSignOnCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  execute({ envelope }: TurnOffSingleSignOnCommand): Promise<SingleSignOnView> {
    return decideAndAppend(this.store, this.setups, this.clock, envelope, {
      type: 'TurnOffSingleSignOn',
      actor: envelope.actor,
      partnershipId: envelope.actor.partnershipId,
    });
  }
}
