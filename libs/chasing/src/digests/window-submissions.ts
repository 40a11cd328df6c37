import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { CycleRepository, foldReturnEvents, ReturnEvent } from '../../../returns/src/index.js';
import { notificationStreamId } from '../chase/chase.events.js';
import { CycleReturns } from '../cycle-returns.js';
import { WindowSubmission } from './digest.decide.js';
import { DigestWindow } from './digest-window.js';
import { eventsRecordedIn, measureWords, notifiedUnder } from './window-events.js';

/** A submission with what a digest says of it. */
export interface SubmissionInWindow extends WindowSubmission {
  agencyName: string;
  measureRef: string;
  measureText: string;
  themeTitle: string;
  cycleLabel: string;
  late: boolean;
}

/**
 * Every submission a partnership's returns received in a window, from the events alone: the ReturnSubmitted
 * events recorded in it (the events table is indexed by recorded_at), each return folded as it stood then.
 */
@Injectable()
export class WindowSubmissions {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
  ) {}

  async load(partnershipId: string, window: DigestWindow): Promise<SubmissionInWindow[]> {
    const rows = await eventsRecordedIn(this.dataSource, 'ReturnSubmitted', window);
    const streamIds = [...new Set(rows.map((r) => r.stream_id))];
    const streams = await this.store.readStreams<ReturnEvent>(streamIds);
    const notices = await this.store.readStreams(
      streamIds.map((id) => notificationStreamId(id.replace(/^return:/, ''))),
    );
    // A window's submissions share a few cycles, plans and agencies: each is read once.
    const once = memo();
    const out: SubmissionInWindow[] = [];
    for (const row of rows) {
      const upTo = (streams.get(row.stream_id) ?? []).filter((e) => e.version <= row.version);
      const state = foldReturnEvents(upTo);
      const event = upTo[upTo.length - 1];
      if (
        state.status === 'none' ||
        state.partnershipId !== partnershipId ||
        event?.type !== 'ReturnSubmitted'
      )
        continue;
      const cycle = await once(`cycle ${state.cycleId}`, () => this.cycles.load(state.cycleId));
      const plan = await once(`plan ${state.planId}`, () =>
        this.plans.plan(state.partnershipId, state.planId),
      );
      const { agency } = await once(`agency ${state.agencyId}`, () =>
        this.cycleReturns.agency(state.partnershipId, state.agencyId),
      );
      out.push({
        kind: 'submission',
        position: Number(row.global_position),
        at: new Date(row.recorded_at),
        returnId: state.returnId,
        partnershipId: state.partnershipId,
        themeId: state.themeId,
        agencyName: agency?.name ?? state.agencyId,
        ...measureWords(plan, state),
        cycleLabel: cycle.state.status === 'none' ? state.cycleId : cycle.state.label,
        late: (event.data as { late?: boolean }).late === true,
        notified: notifiedUnder(notices.get(notificationStreamId(state.returnId)) ?? [], `v${row.version}`),
      });
    }
    return out;
  }
}

function memo() {
  const seen = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!seen.has(key)) seen.set(key, load());
    return seen.get(key) as Promise<T>;
  };
}
