import { Inject, Injectable } from '@nestjs/common';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { stepOfEscalationKey } from '../escalation-mail/escalation-mails.js';
import {
  asChaseEvents,
  ChaseEvent,
  chaseStreamId,
  escalationStreamId,
  StoredChaseEvent,
} from '../chase/chase.events.js';
import { chaseLog, ChaseMailCounts, chaseMailCounts, ChaseView } from './chase-log.js';

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

  /** Each agency's chase mails sent and failed for good, a coordinator's escalation mail naming it included. */
  async mailCounts(cycleId: string, agencyIds: readonly string[]): Promise<Map<string, ChaseMailCounts>> {
    const streams = await this.streams(cycleId, agencyIds, true);
    return new Map([...streams].map(([agencyId, events]) => [agencyId, chaseMailCounts(agencyId, events)]));
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
        const theirs = coordinators.flatMap((e) => escalationMailOf(agencyId, e));
        const merged =
          theirs.length === 0 ? own : [...own, ...theirs].sort((a, b) => a.globalPosition - b.globalPosition);
        return [agencyId, asChaseEvents(merged)];
      }),
    );
  }
}

/**
 * An escalation mail's event as the agency's chase log reads it: keyed by its step (a follow-up's key is
 * `<step>#<n>`), and only for an agency the mail names. A mail of an earlier release names none: it stands for
 * every agency escalated at the step before it, which the log's order gives.
 */
function escalationMailOf(agencyId: string, event: StoredEvent): StoredEvent[] {
  const data = event.data as { key?: unknown; covers?: unknown };
  if (typeof data.key !== 'string') return [];
  if (Array.isArray(data.covers) && !data.covers.includes(agencyId)) return [];
  return [{ ...event, data: { ...data, key: stepOfEscalationKey(data.key) } }];
}
