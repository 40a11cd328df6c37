import { Inject, Injectable } from '@nestjs/common';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { ReturnHistoryEntry } from '../get-return/return-view.js';
import { ConversationEvent, conversationStreamId } from '../conversation/conversation.events.js';
import { foldConversation, Message } from '../conversation/conversation.state.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { foldReturnEvents } from '../return/return.state.js';
import { canSeeReturn } from '../return/return-visibility.js';

export interface ConversationView {
  returnId: string;
  /** The thread's version: the ETag, and the If-Match of the next write. */
  version: number;
  messages: Message[];
  openChangeRequests: string[];
  /** The thread's events as history entries, for the return's history in words. */
  history: ReturnHistoryEntry[];
}

/** Pure: a return's thread as its readers see it, oldest message first. */
export function conversationView(returnId: string, events: readonly StoredEvent[]): ConversationView {
  const state = foldConversation(events);
  return {
    returnId,
    version: events.at(-1)?.version ?? 0,
    messages: state.status === 'talking' ? state.messages : [],
    openChangeRequests: state.status === 'talking' ? state.openChangeRequests : [],
    history: events.map((e) => ({
      version: e.version,
      type: e.type,
      at: e.recordedAt.toISOString(),
      actorId: e.metadata.actorId,
      actorRole: e.metadata.actorRole,
      reason: null,
      data: e.data,
    })),
  };
}

/**
 * A return's thread, for the staff of its partnership and the lead of its current agency only: anyone else is
 * told there is no such return.
 */
@Injectable()
export class GetConversation {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async view(actor: Actor, returnId: string): Promise<ConversationView> {
    const streams = await this.store.readStreams<ReturnEvent | ConversationEvent>([
      returnStreamId(returnId),
      conversationStreamId(returnId),
    ]);
    const about = foldReturnEvents(streams.get(returnStreamId(returnId)) ?? []);
    if (about.status === 'none' || !canSeeReturn(actor, about)) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    return conversationView(returnId, streams.get(conversationStreamId(returnId)) ?? []);
  }
}
