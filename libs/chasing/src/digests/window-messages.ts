import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import {
  ConversationEvent,
  CycleRepository,
  foldReturnEvents,
  ReturnEvent,
  returnStreamId,
} from '../../../returns/src/index.js';
import { notificationStreamId } from '../chase/chase.events.js';
import { CycleReturns } from '../cycle-returns.js';
import { MessageMailPlan } from '../notices/message-mail-plan.js';
import { WindowMessage } from './digest.decide.js';
import { DigestWindow } from './digest-window.js';
import { eventsRecordedIn, measureWords, notifiedUnder } from './window-events.js';

type Posted = Extract<ConversationEvent, { type: 'ReturnMessagePosted' }>['data'];

/** A message with what a digest says of it. */
export interface MessageInWindow extends WindowMessage {
  authorInWords: string;
  measureRef: string;
  measureText: string;
  themeTitle: string;
  cycleLabel: string;
  changeRequest: boolean;
  body: string;
}

/**
 * Every message posted on a partnership's returns in a window that some staff member is owed in a digest, from
 * the events alone, each return as it stood when the message was posted (as the at-once sender reads it).
 */
@Injectable()
export class WindowMessages {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(MessageMailPlan) private readonly plan: MessageMailPlan,
  ) {}

  async load(partnershipId: string, window: DigestWindow): Promise<MessageInWindow[]> {
    const rows = await eventsRecordedIn(this.dataSource, 'ReturnMessagePosted', window);
    const out: MessageInWindow[] = [];
    for (const row of rows) {
      // Through the store, which opens the author's sealed address (see event-store personal-data).
      const [posted] = await this.store.readStream(row.stream_id, { fromVersion: row.version });
      if (!posted || posted.version !== row.version) continue;
      const message = posted.data as Posted;
      const at = new Date(row.recorded_at);
      const state = foldReturnEvents(
        await this.store.readStream<ReturnEvent>(returnStreamId(message.returnId), { asAt: at }),
      );
      if (state.status === 'none' || state.partnershipId !== partnershipId) continue;
      const { state: cycle } = await this.cycles.load(state.cycleId);
      if (cycle.status === 'none' || cycle.status === 'drafted') continue;
      const digestFor = (await this.plan.deliveries(message, state, [], at))
        .filter((r) => r.way === 'digest')
        .map((r) => r.email);
      if (digestFor.length === 0) continue;
      const plan = await this.plans.plan(state.partnershipId, state.planId);
      const { agency } = await this.cycleReturns.agency(state.partnershipId, state.agencyId);
      const notices = await this.store.readStream(notificationStreamId(state.returnId), {});
      out.push({
        kind: 'message',
        position: Number(row.global_position),
        at,
        returnId: state.returnId,
        partnershipId: state.partnershipId,
        themeId: state.themeId,
        digestFor,
        notified: notifiedUnder(notices, `message-${message.messageId}`),
        authorInWords: await this.plan.authorInWords(message, state.partnershipId, {
          name: agency?.name ?? state.agencyId,
          contactName: agency?.contacts.get(message.author)?.name,
        }),
        ...measureWords(plan, state),
        cycleLabel: cycle.label,
        changeRequest: message.changeRequest,
        body: message.body,
      });
    }
    return out;
  }
}
