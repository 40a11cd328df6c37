import { Inject, Injectable } from '@nestjs/common';
import { StaffNames } from '../../../auth/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { ConversationView, GetConversation, Message } from '../../../returns/src/index.js';
import { PlanWords } from '../plan-words.js';
import { HistoryPeople, timeInWords, whoInWords } from '../return-history/history-words.js';

/** One message as the thread shows it. */
export interface ThreadMessage {
  id: string;
  who: string;
  when: string;
  body: string;
  /** The body's lines as paragraphs, so that what was typed on several lines reads so (escaped as text). */
  paragraphs: string[];
  changeRequest: boolean;
  answers: string | null;
  /** For a change request: 'open', or how it was closed, in words. */
  state: { open: true; words: 'Open' } | { open: false; words: string } | null;
}

export interface Thread {
  returnId: string;
  version: number;
  messages: ThreadMessage[];
  open: ThreadMessage[];
  /** For ReturnHistory: the thread's events among the return's. */
  view: ConversationView;
}

/** Pure: the thread in words, with the names behind the recorded ids. */
export function threadOf(view: ConversationView, people: HistoryPeople): Thread {
  const who = (m: Message) => whoInWords({ actorId: m.author, actorRole: m.authorRole } as never, people);
  const byId = new Map(view.messages.map((m) => [m.messageId, m]));
  const stateOf = (m: Message): ThreadMessage['state'] => {
    if (!m.changeRequest) return null;
    if (!m.closed) return { open: true, words: 'Open' };
    if (m.closed.by === 'answer') {
      const answer = byId.get(m.closed.messageId);
      return { open: false, words: `Answered in ${m.closed.messageId}${answer ? ` by ${who(answer)}` : ''}` };
    }
    const resolver = people.staff(m.closed.who);
    return {
      open: false,
      words: `Resolved by ${resolver ? resolver.name : 'a member of staff'}, ${timeInWords(m.closed.at)}`,
    };
  };
  const messages = view.messages.map((m) => ({
    id: m.messageId,
    who: who(m),
    when: timeInWords(m.postedAt),
    body: m.body,
    paragraphs: m.body.split('\n').filter((p) => p.trim() !== ''),
    changeRequest: m.changeRequest,
    answers: m.answers,
    state: stateOf(m),
  }));
  return {
    returnId: view.returnId,
    version: view.version,
    messages,
    open: messages.filter((m) => m.state?.open),
    view,
  };
}

/** A return's thread for its pages: the staff of its partnership and the lead of its agency (else 404). */
@Injectable()
export class ReturnThread {
  constructor(
    @Inject(GetConversation) private readonly conversations: GetConversation,
    @Inject(StaffNames) private readonly staffNames: StaffNames,
  ) {}

  async of(actor: Actor, returnId: string, words: PlanWords): Promise<Thread> {
    const view = await this.conversations.view(actor, returnId);
    const staffIds = view.messages.flatMap((m) => [
      ...(m.authorRole === 'agency-lead' ? [] : [m.author]),
      ...(m.closed?.by === 'resolved' ? [m.closed.who] : []),
    ]);
    const staff = await this.staffNames.of(actor.partnershipId, staffIds);
    return threadOf(view, {
      staff: (id) => staff.get(id.toLowerCase()) ?? null,
      contact: (email) => words.contact(email),
      agencyName: (id) => words.agencyName(id),
    });
  }
}
