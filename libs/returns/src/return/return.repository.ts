import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../config/src/index.js';
import { aggregateStream, ConcurrencyError, EventStore } from '../../../event-store/src/index.js';
import { CommandEnvelope, CommandResult, metadataFor } from '../command-envelope.js';
import { DomainError, samePartnershipOr404 } from '../domain-error.js';
import { decideReturn, ReturnCommand } from './return.decide.js';
import { ReturnEvent, returnStreamId } from './return.events.js';
import { evolveReturn, initialReturn, ReturnState } from './return.state.js';

type CommandWithoutActor = ReturnCommand extends infer C
  ? C extends { actor: unknown }
    ? Omit<C, 'actor'>
    : never
  : never;

/** Load, decide, append: the shell every return command handler runs its pure rules in. */
@Injectable()
export class ReturnRepository {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async load(returnId: string, asAt?: Date): Promise<{ state: ReturnState; version: number }> {
    const { state, expectedVersion } = await aggregateStream<ReturnState, ReturnEvent>(
      this.store,
      returnStreamId(returnId),
      evolveReturn,
      initialReturn,
      { asAt },
    );
    return { state, version: typeof expectedVersion === 'number' ? expectedVersion : 0 };
  }

  async execute(
    returnId: string,
    envelope: CommandEnvelope,
    command: CommandWithoutActor,
  ): Promise<CommandResult> {
    const { state, version } = await this.load(returnId);
    if (state.status === 'none') throw new DomainError('return-not-found', `No return ${returnId}`, 404);
    samePartnershipOr404(envelope.actor, state.partnershipId, 'return');
    if (envelope.expectedVersion !== undefined && envelope.expectedVersion !== version) {
      throw new ConcurrencyError(returnStreamId(returnId), envelope.expectedVersion, version);
    }
    const events = decideReturn({ ...command, actor: envelope.actor } as ReturnCommand, state);
    const reason = 'reason' in command ? command.reason : null;
    const { nextExpectedVersion } = await this.store.append(
      returnStreamId(returnId),
      version,
      events,
      metadataFor(envelope, reason),
      { recordedAt: this.clock.now() },
    );
    const next = events.reduce(evolveReturn, state);
    return { id: returnId, version: nextExpectedVersion, status: next.status };
  }
}
