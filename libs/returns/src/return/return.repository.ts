import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  CommandEnvelope,
  CommandResult,
  DomainError,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import { EventStore, metadataFor, refuseStaleVersion } from '../../../event-store/src/index.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { refuseOnClosedCycle } from './closed-cycle.rule.js';
import { decideReturn, ReturnCommand } from './return.decide.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { CycleState, cycleStatusOf } from '../cycle/cycle.state.js';
import { cycleIdOf, ReturnEvent, returnStreamId } from './return.events.js';
import { evolveReturn, foldReturnEvents, LiveReturnState, ReturnFacts, ReturnState } from './return.state.js';

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
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
  ) {}

  /**
   * The return and, in the same round trip, its cycle's status: the return's id names its cycle, which the
   * stream then confirms. `cycleStatus` is null when it does not (the caller asks the cycle itself).
   */
  private async loadWithCycleStatus(
    returnId: string,
  ): Promise<{ state: ReturnState; version: number; cycleStatus: CycleState['status'] | null }> {
    const cycleId = cycleIdOf(returnId);
    const { events, types } = await this.store.readStreamWithTypesOf<ReturnEvent>(
      returnStreamId(returnId),
      cycleStreamId(cycleId ?? ''),
    );
    const state = foldReturnEvents(events);
    const version = events.length > 0 ? events[events.length - 1].version : 0;
    const named = state.status !== 'none' && state.cycleId === cycleId;
    return { state, version, cycleStatus: named ? cycleStatusOf(types) : null };
  }

  /** Several returns in one round trip, each with the version to append at; missing ones are left out. */
  async loadMany(returnIds: readonly string[]): Promise<{ state: LiveReturnState; version: number }[]> {
    const streams = await this.store.readStreams<ReturnEvent>(returnIds.map(returnStreamId));
    return [...streams.values()].flatMap((events) => {
      const state = foldReturnEvents(events);
      return state.status === 'none' ? [] : [{ state, version: events[events.length - 1].version }];
    });
  }

  /**
   * @param command the command, or (when it needs what the return is, such as its measure's indicators in
   *   the plan) a function of the loaded return that makes it
   * @param check what the rules cannot know without I/O (whether an agency exists, say): it runs once they
   *   have agreed, before anything is appended.
   */
  async execute(
    returnId: string,
    envelope: CommandEnvelope,
    commandOrMaker: CommandWithoutActor | ((state: ReturnFacts) => Promise<CommandWithoutActor>),
    check?: (state: ReturnFacts) => Promise<void>,
    /** Other streams the decision read, which must still stand at these versions when it is appended. */
    unchanged: readonly { streamId: string; version: number }[] = [],
  ): Promise<CommandResult> {
    const { state, version, cycleStatus } = await this.loadWithCycleStatus(returnId);
    if (state.status === 'none') throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'return', state.cycleId);
    refuseStaleVersion(returnStreamId(returnId), envelope.expectedVersion, version);
    const command = typeof commandOrMaker === 'function' ? await commandOrMaker(state) : commandOrMaker;
    const events = decideReturn({ ...command, actor: envelope.actor } as ReturnCommand, state);
    refuseOnClosedCycle(command.type, cycleStatus ?? (await this.cycles.status(state.cycleId)), state);
    await check?.(state);
    const reason = 'reason' in command ? command.reason : null;
    const metadata = metadataFor(envelope, reason);
    const options = { recordedAt: this.clock.now() };
    // A plain append is one statement; watching other streams needs a transaction, so only when asked.
    const { nextExpectedVersion } =
      unchanged.length > 0
        ? await this.store.appendWhileUnchanged(
            { streamId: returnStreamId(returnId), expectedVersion: version, events },
            unchanged,
            metadata,
            options,
          )
        : await this.store.append(returnStreamId(returnId), version, events, metadata, options);
    const next = events.reduce(evolveReturn, state);
    return { id: returnId, version: nextExpectedVersion, status: next.status };
  }
}
