import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '../../../event-store/src/index.js';
import {
  asChaseEvents,
  ChaseEvent,
  chaseStreamId,
  escalationStreamId,
  StoredChaseEvent,
} from '../chase/chase.events.js';
import { chaseLog, chaseMailCounts, ChaseView } from './chase-log.js';

/** The chases of a cycle, read from its agencies' chase streams: the API's chase log and the dashboard's counts. */
@Injectable()
export class CycleChases {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** Every chase sent, asked for and failed in the cycle, for the agencies of these returns. */
  async log(
    cycleId: string,
    returns: readonly { agencyId: string }[],
  ): Promise<{ cycleId: string; chases: ChaseView[] }> {
    const streams = await this.streams(cycleId, [...new Set(returns.map((r) => r.agencyId))].sort(), true);
    return { cycleId, chases: chaseLog([...streams].map(([agencyId, events]) => ({ agencyId, events }))) };
  }

  /** Each agency's chase mails sent and failed for good. */
  async mailCounts(
    cycleId: string,
    agencyIds: readonly string[],
  ): Promise<Map<string, { sent: number; failed: number }>> {
    const streams = await this.streams(cycleId, agencyIds);
    return new Map([...streams].map(([agencyId, events]) => [agencyId, chaseMailCounts(events)]));
  }

  /**
   * Each agency's chase stream; with `escalations`, the cycle's coordinators' escalation mails merged into each in
   * the log's order, so a coordinator's row of an agency's escalation shows what became of the one mail of its step.
   */
  private async streams(
    cycleId: string,
    agencyIds: readonly string[],
    escalations = false,
  ): Promise<Map<string, StoredChaseEvent[]>> {
    const ids = agencyIds.map((a) => chaseStreamId(cycleId, a));
    const streams = await this.store.readStreams<ChaseEvent>(
      escalations ? [...ids, escalationStreamId(cycleId)] : ids,
    );
    const coordinators = escalations ? (streams.get(escalationStreamId(cycleId)) ?? []) : [];
    return new Map(
      agencyIds.map((agencyId, i) => {
        const own = streams.get(ids[i]) ?? [];
        const merged =
          coordinators.length === 0
            ? own
            : [...own, ...coordinators].sort((a, b) => a.globalPosition - b.globalPosition);
        return [agencyId, asChaseEvents(merged)];
      }),
    );
  }
}
