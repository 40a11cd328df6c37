import { Inject, Injectable } from '@nestjs/common';
import { aggregateStream, EventStore } from '../../../event-store/src/index.js';
import {
  evolveRetention,
  initialRetention,
  RetentionEvent,
  RetentionPeriods,
  retentionStreamId,
  RetentionState,
} from './retention-periods.js';

/** A partnership's retention periods as the API and the page show them. */
export interface RetentionView extends RetentionPeriods {
  /** False while the defaults apply because no coordinator has set the periods yet. */
  set: boolean;
  /** The stream's version: the ETag, and If-Match (or the form's version) for the next change. */
  version: number;
}

/** The periods of each partnership, folded from its retention stream each time (a handful of events). */
@Injectable()
export class RetentionSettings {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async load(partnershipId: string): Promise<{ state: RetentionState; version: number }> {
    const { state, expectedVersion } = await aggregateStream<RetentionState, RetentionEvent>(
      this.store,
      retentionStreamId(partnershipId),
      evolveRetention,
      initialRetention,
    );
    return { state, version: expectedVersion === 'no_stream' ? 0 : Number(expectedVersion) };
  }

  async view(partnershipId: string): Promise<RetentionView> {
    const { state, version } = await this.load(partnershipId);
    return viewOf(state, version);
  }
}

export const viewOf = (state: RetentionState, version: number): RetentionView => ({
  ...state.periods,
  set: state.set,
  version,
});
