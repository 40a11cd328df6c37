import { ConversationEvent, MessageAuthorRole } from './conversation.events.js';

export interface Message {
  messageId: string;
  body: string;
  author: string;
  authorRole: MessageAuthorRole;
  agencyId: string | null;
  changeRequest: boolean;
  answers: string | null;
  postedAt: string;
  /** For a change request: how it was closed, if it has been. */
  closed: { by: 'answer'; messageId: string } | { by: 'resolved'; who: string; at: string } | null;
}

export type ConversationState =
  { status: 'silent' } | { status: 'talking'; messages: Message[]; openChangeRequests: string[] };

export const initialConversation = (): ConversationState => ({ status: 'silent' });

export function foldConversation(events: readonly { type: string; data: unknown }[]): ConversationState {
  return events.reduce<ConversationState>(
    (s, e) => evolveConversation(s, { type: e.type, data: e.data } as ConversationEvent),
    initialConversation(),
  );
}

export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  const messages = state.status === 'talking' ? state.messages : [];
  const open = state.status === 'talking' ? state.openChangeRequests : [];
  switch (event.type) {
    case 'ReturnMessagePosted': {
      const { returnId: _returnId, ...d } = event.data;
      const answered = d.answers;
      return {
        status: 'talking',
        messages: [
          ...messages.map((m) =>
            m.messageId === answered && !m.closed
              ? { ...m, closed: { by: 'answer' as const, messageId: d.messageId } }
              : m,
          ),
          { ...d, closed: null },
        ],
        openChangeRequests: [
          ...open.filter((id) => id !== answered),
          ...(d.changeRequest ? [d.messageId] : []),
        ],
      };
    }
    case 'ChangeRequestResolved': {
      const { messageId, by, resolvedAt } = event.data;
      return {
        status: 'talking',
        messages: messages.map((m) =>
          m.messageId === messageId && !m.closed
            ? { ...m, closed: { by: 'resolved' as const, who: by, at: resolvedAt } }
            : m,
        ),
        openChangeRequests: open.filter((id) => id !== messageId),
      };
    }
    // The body reads redacted from return_texts: the thread itself is as it was.
    case 'MessagePassageRedacted':
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** The open change requests of a thread: what keeps its return from being approved. */
export const openChangeRequestsOf = (state: ConversationState): string[] =>
  state.status === 'talking' ? state.openChangeRequests : [];
