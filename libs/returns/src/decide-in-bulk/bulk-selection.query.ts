import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '../../../event-store/src/index.js';
import { conversationStreamId } from '../conversation/conversation.events.js';
import { foldConversation, openChangeRequestsOf } from '../conversation/conversation.state.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { CycleStanding } from '../cycle/cycle.state.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents } from '../return/return.state.js';
import { BulkDecideCommand, BulkPlan, decideInBulk, Loaded } from './decide-in-bulk.rules.js';

/**
 * The returns of a selection as stored, each with its cycle's status and the version it was read at, in two round
 * trips and one per cycle.
 */
@Injectable()
export class BulkSelection {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
  ) {}

  async load(returnIds: readonly string[]): Promise<Map<string, Loaded>> {
    const streams = await this.store.readStreams<ReturnEvent>(returnIds.map(returnStreamId));
    const threads = await this.store.readStreams(returnIds.map(conversationStreamId));
    const cycles = new Map<string, CycleStanding>();
    const loaded = new Map<string, Loaded>();
    for (const returnId of returnIds) {
      const events = streams.get(returnStreamId(returnId)) ?? [];
      const state = foldReturnEvents(events);
      if (state.status === 'none') {
        loaded.set(returnId, null);
        continue;
      }
      if (!cycles.has(state.cycleId)) cycles.set(state.cycleId, await this.cycles.standing(state.cycleId));
      const version = events[events.length - 1].version;
      const thread = threads.get(conversationStreamId(returnId)) ?? [];
      loaded.set(returnId, {
        state,
        version,
        cycleStatus: cycles.get(state.cycleId)!.status,
        cycleVersion: cycles.get(state.cycleId)!.version,
        thread: {
          openChangeRequests: openChangeRequestsOf(foldConversation(thread)),
          version: thread.length > 0 ? thread[thread.length - 1].version : 0,
        },
      });
    }
    return loaded;
  }

  /** What deciding the selection now would do, appending nothing: the confirmation page shows it. */
  async preview(command: BulkDecideCommand): Promise<BulkPlan> {
    return decideInBulk(command, await this.load(command.returns.map((r) => r.returnId)));
  }
}
