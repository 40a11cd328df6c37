import { Actor, DomainError, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import { ReturnStatus } from '../return/return.state.js';
import { ConversationEvent, MESSAGE_MAX_LENGTH, MessageAuthorRole } from './conversation.events.js';
import { ConversationState } from './conversation.state.js';
import { checkedPassage } from '../redact-passage/checked-passage.js';

/** What the thread's rules need to know of its return, read by the handler from the return's stream. */
export interface ConversationReturn {
  returnId: string;
  agencyId: string;
  status: ReturnStatus;
}

export type ConversationCommand =
  | {
      type: 'PostMessage';
      actor: Actor;
      about: ConversationReturn;
      body: string;
      changeRequest: boolean;
      answers: string | null;
      now: Date;
    }
  | { type: 'ResolveChangeRequest'; actor: Actor; about: ConversationReturn; messageId: string; now: Date }
  | {
      type: 'RedactMessagePassage';
      actor: Actor;
      about: ConversationReturn;
      messageId: string;
      passage: string;
      reason: string;
      now: Date;
    };

/** The rules of a return's thread: given it and a command, the events that happen (or why not). */
export function decideConversation(
  command: ConversationCommand,
  state: ConversationState,
): ConversationEvent[] {
  const role = speaker(command.actor, command.about);
  const messages = state.status === 'talking' ? state.messages : [];
  const open = state.status === 'talking' ? state.openChangeRequests : [];
  switch (command.type) {
    case 'PostMessage': {
      if (command.about.status === 'withdrawn') {
        throw new DomainError('return-withdrawn', 'This return was withdrawn from the cycle', 'conflict');
      }
      const body = requireBody(command.body);
      if (command.changeRequest) {
        if (role === 'agency-lead') {
          throw new DomainError(
            'change-request-by-staff',
            'Only a reviewer or coordinator can ask for a change',
            'unprocessable',
            'changeRequest',
          );
        }
        if (command.about.status === 'approved') {
          throw new DomainError(
            'return-approved',
            'This return is approved: reopen it before asking for a change',
            'unprocessable',
            'changeRequest',
          );
        }
      }
      if (command.answers !== null) {
        if (role !== 'agency-lead') {
          throw new DomainError(
            'answer-by-agency',
            'Only the agency’s lead answers a change request; staff resolve it instead',
            'unprocessable',
            'answers',
          );
        }
        if (!open.includes(command.answers)) {
          throw new DomainError(
            'no-open-change-request',
            `There is no open change request ${command.answers} to answer`,
            'unprocessable',
            'answers',
          );
        }
      }
      return [
        {
          type: 'ReturnMessagePosted',
          data: {
            messageId: `m${messages.length + 1}`,
            returnId: command.about.returnId,
            body,
            author: command.actor.id,
            authorRole: role,
            agencyId: role === 'agency-lead' ? command.about.agencyId : null,
            changeRequest: command.changeRequest,
            answers: command.answers,
            postedAt: command.now.toISOString(),
          },
        },
      ];
    }
    case 'ResolveChangeRequest': {
      if (role === 'agency-lead') {
        throw new DomainError(
          'forbidden',
          'Only a reviewer or coordinator resolves a change request',
          'forbidden',
        );
      }
      const message = messages.find((m) => m.messageId === command.messageId && m.changeRequest);
      if (!message) {
        throw new DomainError('message-not-found', 'No such change request', 'not-found', 'messageId');
      }
      if (!open.includes(message.messageId)) {
        throw new DomainError(
          'change-request-closed',
          'This change request has already been answered or resolved',
          'conflict',
        );
      }
      return [
        {
          type: 'ChangeRequestResolved',
          data: { messageId: message.messageId, by: command.actor.id, resolvedAt: command.now.toISOString() },
        },
      ];
    }
    case 'RedactMessagePassage': {
      if (command.actor.role !== 'coordinator') {
        throw new DomainError('forbidden', 'Only a coordinator can redact a passage', 'forbidden');
      }
      const message = messages.find((m) => m.messageId === command.messageId);
      if (!message) {
        throw new DomainError('message-not-found', 'No such message', 'not-found', 'messageId');
      }
      // The same rules as a return's passage: required, within its limit, a reason that does not repeat it.
      const { isIn, passageSha256, passageLength, reason } = checkedPassage(command.passage, command.reason);
      if (!isIn(message.body)) {
        throw new DomainError(
          'passage-not-found',
          `The passage does not occur in message ${message.messageId}: paste it exactly as it is written`,
          'unprocessable',
          'passage',
        );
      }
      return [
        {
          type: 'MessagePassageRedacted',
          data: { messageId: message.messageId, passageSha256, passageLength, reason, by: command.actor.id },
        },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/** Who the actor is on this thread; anyone else may not take part (another agency's lead: no such return). */
function speaker(actor: Actor, about: ConversationReturn): MessageAuthorRole {
  if (actor.role === 'agency-lead') {
    if (actor.agencyId !== about.agencyId) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    return 'agency-lead';
  }
  if (actor.role === 'reviewer' || actor.role === 'coordinator') return actor.role;
  throw new DomainError(
    'forbidden',
    'Only reviewers, coordinators and the agency’s lead write on a return',
    'forbidden',
  );
}

/** Spaces, controls and format characters (zero-width spaces, direction marks): none of them is a word. */
const NOTHING_VISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}]*$/u;

function requireBody(body: unknown): string {
  const text = typeof body === 'string' ? body.trim() : '';
  // trim() leaves a zero-width space, so a message of one was posted, and a change request "answered" with it.
  if (NOTHING_VISIBLE.test(text)) {
    throw new DomainError('message-required', 'Write a message', 'unprocessable', 'body');
  }
  if (text.length > MESSAGE_MAX_LENGTH) {
    throw new DomainError(
      'message-too-long',
      `A message must be ${MESSAGE_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`,
      'unprocessable',
      'body',
    );
  }
  const fault = textFault(text);
  if (fault) {
    throw new DomainError(
      'malformed-text',
      `The message ${TEXT_FAULT_MESSAGES[fault]}`,
      'unprocessable',
      'body',
    );
  }
  return text;
}
