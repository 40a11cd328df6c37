import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../kernel/src/index.js';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { historyEntry, ReturnHistoryEntry } from '../get-return/return-view.js';
import { ConversationEvent, conversationStreamId } from '../conversation/conversation.events.js';
import { foldConversation, Message } from '../conversation/conversation.state.js';
import { readBesideVisibleReturn } from '../return/beside-visible-return.js';

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
    history: events.map((e) => historyEntry(e, null)),
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
    return conversationView(
      returnId,
      await readBesideVisibleReturn<ConversationEvent>(
        this.store,
        actor,
        returnId,
        conversationStreamId(returnId),
      ),
    );
  }
}
