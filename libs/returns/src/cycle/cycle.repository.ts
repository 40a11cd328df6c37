import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, EventStore, Sql, UnchangedStream } from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from './cycle.events.js';
import {
  CycleStanding,
  cycleStandingOf,
  CycleState,
  evolveCycle,
  initialCycle,
  KEEP_CYCLE_STANDING,
} from './cycle.state.js';

/**
 * What a write to a cycle's returns confirms as it appends: the cycle still stands as it was read, its row
 * share-locked until the write commits. A close that came meanwhile is seen (and the write decided again, and
 * refused), or waits for the write and follows it in the log. Only a change of its status counts: links opened
 * meanwhile leave the decision as it was.
 */
export function cycleAsRead(cycleId: string, version: number): UnchangedStream {
  return { streamId: cycleStreamId(cycleId), version, wait: true, movedOnlyBy: KEEP_CYCLE_STANDING };
}

@Injectable()
export class CycleRepository {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** `sql`: a transaction to read in (see holdingCycle), else the pool. */
  async load(cycleId: string, asAt?: Date, sql?: Sql): Promise<{ state: CycleState; version: number }> {
    const { state, expectedVersion } = await aggregateStream<CycleState, CycleEvent>(
      this.store,
      cycleStreamId(cycleId),
      evolveCycle,
      initialCycle,
      { asAt },
      sql,
    );
    return { state, version: typeof expectedVersion === 'number' ? expectedVersion : 0 };
  }

  /** Only the status: see standing(). */
  async status(cycleId: string): Promise<CycleState['status']> {
    return (await this.standing(cycleId)).status;
  }

  /** The status and the stream's version: reads the stream's event types, not its (large) data. */
  async standing(cycleId: string): Promise<CycleStanding> {
    return cycleStandingOf(await this.store.readStreamTypes(cycleStreamId(cycleId)));
  }
}
