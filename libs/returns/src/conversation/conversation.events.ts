/** Who may speak on a return's thread: the staff who review it and the lead of the agency that owns it. */
export type MessageAuthorRole = 'coordinator' | 'reviewer' | 'agency-lead';

export type ConversationEvent =
  | {
      type: 'ReturnMessagePosted';
      data: {
        /** `m1`, `m2`...: the thread's own numbering, safe in a path. */
        messageId: string;
        returnId: string;
        /** Plain text, shown as written (never as HTML or Markdown). */
        body: string;
        /** The staff id, or the agency lead's contact email. */
        author: string;
        authorRole: MessageAuthorRole;
        /** The agency a lead wrote for; null for staff. */
        agencyId: string | null;
        /** Asked by staff: the return cannot be approved until it is answered or resolved. */
        changeRequest: boolean;
        /** The change request this message answers (an agency lead's reply), which it closes. */
        answers: string | null;
        postedAt: string;
      };
    }
  | { type: 'ChangeRequestResolved'; data: { messageId: string; by: string; resolvedAt: string } }
  | {
      /** A coordinator took a passage out of a message's body (held in return_texts): where, why, never what. */
      type: 'MessagePassageRedacted';
      data: { messageId: string; passageSha256: string; passageLength: number; reason: string; by: string };
    };

export type ConversationEventType = ConversationEvent['type'];

/**
 * A stream of its own, so that a message never moves the return's version (the lead's open form stays current)
 * and the thread can be read without the return's content.
 */
export const conversationStreamId = (returnId: string) => `conversation:${returnId}`;

export const MESSAGE_MAX_LENGTH = 5000;
