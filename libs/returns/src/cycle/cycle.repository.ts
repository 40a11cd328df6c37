import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, EventStore } from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from './cycle.events.js';
import { CycleStanding, cycleStandingOf, CycleState, evolveCycle, initialCycle } from './cycle.state.js';

@Injectable()
export class CycleRepository {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async load(cycleId: string, asAt?: Date): Promise<{ state: CycleState; version: number }> {
    const { state, expectedVersion } = await aggregateStream<CycleState, CycleEvent>(
      this.store,
      cycleStreamId(cycleId),
      evolveCycle,
      initialCycle,
      { asAt },
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
