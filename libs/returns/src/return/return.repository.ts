import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  CommandEnvelope,
  CommandResult,
  DomainError,
  samePartnershipOr404,
} from '../../../kernel/src/index.js';
import {
  ConcurrencyError,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { cycleAsRead, CycleRepository } from '../cycle/cycle.repository.js';
import { refuseOnClosedCycle } from './closed-cycle.rule.js';
import { decideReturn, ReturnCommand } from './return.decide.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { CycleStanding, cycleStandingOf } from '../cycle/cycle.state.js';
import { cycleIdOf, ReturnEvent, returnStreamId } from './return.events.js';
import { evolveReturn, foldReturnEvents, LiveReturnState, ReturnFacts, ReturnState } from './return.state.js';

type CommandWithoutActor = ReturnCommand extends infer C
  ? C extends { actor: unknown }
    ? Omit<C, 'actor'>
    : never
  : never;

/** How often a command is decided again when its return or cycle moved between its read and its append. */
const ATTEMPTS = 8;

/** Load, decide, append: the shell every return command handler runs its pure rules in. */
@Injectable()
export class ReturnRepository {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
  ) {}

  /**
   * The return and, in the same round trip, its cycle's status and version: the return's id names its cycle,
   * which the stream then confirms. When it does not, the cycle is read on its own.
   */
  private async loadWithCycle(returnId: string): Promise<{
    state: ReturnState;
    version: number;
    cycle: CycleStanding | null;
  }> {
    const cycleId = cycleIdOf(returnId);
    const { events, types } = await this.store.readStreamWithTypesOf<ReturnEvent>(
      returnStreamId(returnId),
      cycleStreamId(cycleId ?? ''),
    );
    const state = foldReturnEvents(events);
    const version = events.length > 0 ? events[events.length - 1].version : 0;
    if (state.status === 'none') return { state, version, cycle: null };
    const cycle =
      state.cycleId === cycleId ? cycleStandingOf(types) : await this.cycles.standing(state.cycleId);
    return { state, version, cycle };
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
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.executeOnce(returnId, envelope, commandOrMaker, check, unchanged);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= ATTEMPTS) throw error;
        // The cycle moved on between its read and the append (it was closed, say): decide again on the cycle
        // as it now stands, which refuses the command if it was closed.
        const cycleMoved = error.streamId.startsWith(cycleStreamId(''));
        // The return itself moved between its read and the append (the coordinator extended the agency's
        // deadline as its lead saved a draft): a caller who stated no version (If-Match) asked for the return as
        // it stands, so the command is decided again on it, and its rules refuse it if it no longer fits. One
        // who stated the version they saw is held to it, and refused (409).
        const returnOutrun =
          error.streamId === returnStreamId(returnId) && envelope.expectedVersion === undefined;
        if (!cycleMoved && !returnOutrun) throw error;
      }
    }
  }

  private async executeOnce(
    returnId: string,
    envelope: CommandEnvelope,
    commandOrMaker: CommandWithoutActor | ((state: ReturnFacts) => Promise<CommandWithoutActor>),
    check: ((state: ReturnFacts) => Promise<void>) | undefined,
    unchanged: readonly { streamId: string; version: number }[],
  ): Promise<CommandResult> {
    const { state, version, cycle } = await this.loadWithCycle(returnId);
    if (state.status === 'none' || !cycle)
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'return', state.cycleId);
    refuseStaleVersion(returnStreamId(returnId), envelope.expectedVersion, version);
    const command = typeof commandOrMaker === 'function' ? await commandOrMaker(state) : commandOrMaker;
    const events = decideReturn({ ...command, actor: envelope.actor } as ReturnCommand, state);
    refuseOnClosedCycle(command.type, cycle.status, state);
    await check?.(state);
    // The rules found nothing to record (a draft saved again unchanged): the return stays at its version.
    if (events.length === 0) return { id: returnId, version, status: state.status };
    // A command's reason is in its event's data, held apart in return_texts (REASON_TEXTS_HOOK) so that it can be
    // redacted: a copy in the metadata would sit in the event row for good.
    const metadata = metadataFor(envelope);
    const options = { recordedAt: this.clock.now() };
    // Without the cycle confirmed as read (see cycleAsRead), a lead's submit could land after CycleClosed.
    const { nextExpectedVersion } = await this.store.appendWhileUnchanged(
      { streamId: returnStreamId(returnId), expectedVersion: version, events },
      [...unchanged, cycleAsRead(state.cycleId, cycle.version)],
      metadata,
      options,
    );
    const next = events.reduce(evolveReturn, state);
    return { id: returnId, version: nextExpectedVersion, status: next.status };
  }
}
