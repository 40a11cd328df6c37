import { Inject, Injectable } from '@nestjs/common';
import { Clock, CommandEnvelope, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import {
  ConcurrencyError,
  EventStore,
  metadataFor,
  refuseStaleVersion,
} from '../../../event-store/src/index.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents, LiveReturnState } from '../return/return.state.js';
import { ConversationCommand, decideConversation } from './conversation.decide.js';
import { ConversationEvent, conversationStreamId } from './conversation.events.js';
import { ConversationState, evolveConversation, foldConversation } from './conversation.state.js';

type WithoutContext<C> = C extends unknown ? Omit<C, 'actor' | 'about' | 'now'> : never;
export type ConversationRequest = WithoutContext<ConversationCommand>;

export interface ConversationResult {
  id: string;
  /** The thread's version after the write: its ETag. */
  version: number;
  messageId: string;
  openChangeRequests: string[];
}

/** How often a write is decided again when its thread, or the return it watched, moved meanwhile. */
const ATTEMPTS = 8;

/** Load, decide, append, for a return's thread: the shell its command handlers run the pure rules in. */
@Injectable()
export class ConversationRepository {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async load(returnId: string): Promise<{ state: ConversationState; version: number }> {
    const events = await this.store.readStream<ConversationEvent>(conversationStreamId(returnId));
    return { state: foldConversation(events), version: events.at(-1)?.version ?? 0 };
  }

  /** The return the thread is about, as the actor may see it, and its version; 404 otherwise. */
  async about(
    returnId: string,
    envelope: CommandEnvelope,
  ): Promise<{ state: LiveReturnState; version: number }> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const state = foldReturnEvents(events);
    if (state.status === 'none') throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(envelope.actor, state.partnershipId, 'return', state.cycleId);
    return { state, version: events.at(-1)?.version ?? 0 };
  }

  /**
   * A change request is appended only while the return stands as read (waiting for an approval being written),
   * so one posted as the return is approved is refused rather than left open on an approved return; the
   * approval, for its part, checks the thread (see ApproveReturnHandler). Other writes need no such check.
   */
  async execute(
    returnId: string,
    envelope: CommandEnvelope,
    request: ConversationRequest,
  ): Promise<ConversationResult> {
    for (let attempt = 1; ; attempt++) {
      const about = await this.about(returnId, envelope);
      const { state, version } = await this.load(returnId);
      refuseStaleVersion(conversationStreamId(returnId), envelope.expectedVersion, version);
      const now = this.clock.now();
      const events = decideConversation(
        {
          ...request,
          actor: envelope.actor,
          about: { returnId, agencyId: about.state.agencyId, status: about.state.status },
          now,
        } as ConversationCommand,
        state,
      );
      const watch =
        request.type === 'PostMessage' && request.changeRequest
          ? [{ streamId: returnStreamId(returnId), version: about.version, wait: true }]
          : [];
      try {
        const { nextExpectedVersion } = await this.store.appendWhileUnchanged(
          { streamId: conversationStreamId(returnId), expectedVersion: version, events },
          watch,
          metadataFor(envelope),
          { recordedAt: now },
        );
        const next = events.reduce(evolveConversation, state);
        const [first] = events;
        return {
          id: returnId,
          version: nextExpectedVersion,
          messageId: first.data.messageId,
          openChangeRequests: next.status === 'talking' ? next.openChangeRequests : [],
        };
      } catch (error) {
        const returnMoved = error instanceof ConcurrencyError && error.streamId === returnStreamId(returnId);
        // Another message landed on the thread between its read and this one's append (the lead and the
        // reviewer writing at once): a writer who stated no version (If-Match) adds to the thread as it stands.
        const threadOutrun =
          error instanceof ConcurrencyError &&
          error.streamId === conversationStreamId(returnId) &&
          envelope.expectedVersion === undefined;
        if ((!returnMoved && !threadOutrun) || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
