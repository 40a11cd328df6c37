import { clockInWords, dayInWords } from '../../../kernel/src/index.js';
import type {
  ConversationEventType,
  EvidenceEventType,
  ReturnEventType,
  ReturnHistoryEntry,
} from '../../../returns/src/index.js';

/** One line of a return's history as people read it: who did what, when, and the version it made. */
export interface HistoryLine {
  version: number;
  who: string;
  what: string;
  when: string;
  /** When it happened, to order the return's lines and its thread's together. */
  at: string;
  /** For a line from the return's thread: the message it is about (its version is the thread's, not the return's). */
  message?: string;
  /** For a line about the return's files: the file it is about (its version is the files', not the return's). */
  file?: string;
}

/** The names behind the ids recorded on events: staff by email, agency leads by their contact email. */
export interface HistoryPeople {
  staff(id: string): { name: string; role: string } | null;
  contact(email: string): { name: string; agencyName: string } | null;
  agencyName(agencyId: string): string;
}

type Words = (entry: ReturnHistoryEntry, people: HistoryPeople, earlier: ReturnHistoryEntry[]) => string;

const withReason = (what: string, reason: string | null | undefined) =>
  reason ? `${what}: ${reason}` : what;
const data = <T>(entry: ReturnHistoryEntry) => (entry.data ?? {}) as Partial<T>;

/**
 * Every return event in words. A Record over the event types, so a new event type does not compile until it has
 * words here (history-words.spec.ts checks the same at run time, against return.events.ts).
 */
export const RETURN_EVENT_WORDS: Record<ReturnEventType, Words> = {
  ReturnRequested: (e) => {
    const due = data<{ dueDate: string }>(e).dueDate;
    return due ? `Asked for, due ${dateInWords(due)}` : 'Asked for';
  },
  // The first draft is when the lead started; later ones are saves along the way.
  ReturnDraftSaved: (_e, _p, earlier) =>
    earlier.some((h) => h.type === 'ReturnDraftSaved') ? 'Saved a draft' : 'Started',
  ReturnSubmitted: (e) => (data<{ late: boolean }>(e).late ? 'Submitted late' : 'Submitted'),
  // An approval has no reason, but one recorded from a past report names the report (see Past years).
  ReturnApproved: (e) => withReason('Approved', e.reason),
  ReturnAccepted: () => 'Accepted for the report',
  ReturnReturnedToReview: (e) =>
    withReason('Returned to review', data<{ reason: string }>(e).reason ?? e.reason),
  ReturnSentBack: (e) => withReason('Sent back', data<{ reason: string }>(e).reason ?? e.reason),
  ReturnReopened: (e) => withReason('Reopened', data<{ reason: string }>(e).reason ?? e.reason),
  DeadlineExtended: (e) => {
    const d = data<{ dueDate: string; reason: string }>(e);
    return withReason(d.dueDate ? `Deadline moved to ${dateInWords(d.dueDate)}` : 'Deadline moved', d.reason);
  },
  ReturnReassigned: (e, people) => {
    const d = data<{ fromAgencyId: string; toAgencyId: string; reason: string }>(e);
    const to = d.toAgencyId ? people.agencyName(d.toAgencyId) : 'another agency';
    const from = d.fromAgencyId ? ` from ${people.agencyName(d.fromAgencyId)}` : '';
    return withReason(`Reassigned${from} to ${to}`, d.reason);
  },
  ReturnWithdrawn: (e) => withReason('Withdrawn', data<{ reason: string }>(e).reason ?? e.reason),
  PassageRedacted: (e) => {
    const d = data<{ field: string; passageLength: number; reason: string }>(e);
    const from = (d.field && REDACTED_FIELD_WORDS[d.field]) || 'the return';
    return withReason(`Redacted a passage of ${d.passageLength ?? '?'} characters from ${from}`, d.reason);
  },
};

/** The redactable fields as the pages name them. */
export const REDACTED_FIELD_WORDS: Record<string, string> = {
  narrative: 'the progress narrative',
  comments: 'the comments',
  ragReason: 'the reason for the RAG',
  caseStudies: 'the case studies',
  reasons: 'the reasons given for sending back, reopening, removing a file and the like',
};

/** A message's body as a history line quotes it: the first words, on one line. */
const QUOTE_LENGTH = 120;
const quote = (body: string | undefined) => {
  const line = (body ?? '').replace(/\s+/g, ' ').trim();
  return `“${line.length > QUOTE_LENGTH ? `${line.slice(0, QUOTE_LENGTH - 1)}…` : line}”`;
};

/** Every event of a return's thread (conversation.events.ts) in words, as RETURN_EVENT_WORDS for its return. */
export const CONVERSATION_EVENT_WORDS: Record<ConversationEventType, Words> = {
  ReturnMessagePosted: (e) => {
    const d = data<{ messageId: string; body: string; changeRequest: boolean; answers: string | null }>(e);
    if (d.changeRequest) return `Asked for a change (${d.messageId}): ${quote(d.body)}`;
    if (d.answers) return `Answered change request ${d.answers}: ${quote(d.body)}`;
    return `Wrote (${d.messageId}): ${quote(d.body)}`;
  },
  ChangeRequestResolved: (e) =>
    `Resolved change request ${data<{ messageId: string }>(e).messageId ?? ''}`.trim(),
  MessagePassageRedacted: (e) => {
    const d = data<{ messageId: string; passageLength: number; reason: string }>(e);
    return withReason(
      `Redacted a passage of ${d.passageLength ?? '?'} characters from message ${d.messageId ?? ''}`.trim(),
      d.reason,
    );
  },
};

/** The title a file was attached under, from the earlier lines of the files' history. */
const titleOf = (evidenceId: string | undefined, earlier: ReturnHistoryEntry[]) =>
  data<{ title: string }>(
    earlier.find(
      (h) => h.type === 'EvidenceAttached' && data<{ evidenceId: string }>(h).evidenceId === evidenceId,
    ) ?? ({ data: {} } as ReturnHistoryEntry),
  ).title;

/** Every event of a return's files (evidence.events.ts) in words, by title: the file's name is on the list. */
export const EVIDENCE_EVENT_WORDS: Record<EvidenceEventType, Words> = {
  EvidenceAttached: (e) => `File attached: ${data<{ title: string }>(e).title ?? ''}`.trim(),
  EvidenceRemoved: (e, _p, earlier) => {
    const d = data<{ evidenceId: string; reason: string | null }>(e);
    const title = titleOf(d.evidenceId, earlier);
    return `File removed${title ? `: ${title}` : ''}${d.reason ? ` (${d.reason})` : ''}`;
  },
  EvidenceReportChoiceMade: (e, _p, earlier) => {
    const d = data<{ evidenceId: string; inReport: boolean }>(e);
    const title = titleOf(d.evidenceId, earlier) ?? d.evidenceId ?? '';
    return d.inReport ? `File listed in the report: ${title}` : `File taken out of the report: ${title}`;
  },
};

const ROLE_WORDS: Record<string, string> = {
  coordinator: 'coordinator',
  reviewer: 'reviewer',
  board: 'board member',
  viewer: 'viewer',
  'agency-lead': 'agency lead',
};

/**
 * Who did it, by name: "Jo Smith (reviewer)", or an agency lead as "<contact name>, <agency name>". An id with
 * no person behind it (a demo or script actor, a since-removed contact) is named by its role, never shown raw.
 */
export function whoInWords(entry: ReturnHistoryEntry, people: HistoryPeople): string {
  if (entry.actorRole === 'system') return 'Partner Returns (automatically)';
  if (entry.actorRole === 'agency-lead') {
    const contact = people.contact(entry.actorId);
    return contact ? `${contact.name}, ${contact.agencyName}` : 'An agency lead';
  }
  const person = people.staff(entry.actorId);
  const role = ROLE_WORDS[person?.role ?? entry.actorRole] ?? 'member of staff';
  return person ? `${person.name} (${role})` : `A ${role}`;
}

/** The history, oldest first, in words. Unknown event types (from a future release) still get a line. */
export function historyInWords(history: ReturnHistoryEntry[], people: HistoryPeople): HistoryLine[] {
  return history.map((entry, i) => {
    const words = (RETURN_EVENT_WORDS as Record<string, Words | undefined>)[entry.type];
    return {
      version: entry.version,
      who: whoInWords(entry, people),
      what: words ? words(entry, people, history.slice(0, i)) : 'Changed',
      when: timeInWords(entry.at),
      at: entry.at,
    };
  });
}

/** A return's thread in words, oldest first, each line naming its message. */
export function threadInWords(thread: ReturnHistoryEntry[], people: HistoryPeople): HistoryLine[] {
  return thread.map((entry, i) => {
    const words = (CONVERSATION_EVENT_WORDS as Record<string, Words | undefined>)[entry.type];
    return {
      version: entry.version,
      who: whoInWords(entry, people),
      what: words ? words(entry, people, thread.slice(0, i)) : 'Changed the conversation',
      when: timeInWords(entry.at),
      at: entry.at,
      message: data<{ messageId: string }>(entry).messageId ?? '',
    };
  });
}

/** A return's files' history in words, oldest first, each line naming its file. */
export function evidenceInWords(files: ReturnHistoryEntry[], people: HistoryPeople): HistoryLine[] {
  return files.map((entry, i) => {
    const words = (EVIDENCE_EVENT_WORDS as Record<string, Words | undefined>)[entry.type];
    return {
      version: entry.version,
      who: whoInWords(entry, people),
      what: words ? words(entry, people, files.slice(0, i)) : 'Changed the files',
      when: timeInWords(entry.at),
      at: entry.at,
      file: data<{ evidenceId: string }>(entry).evidenceId ?? '',
    };
  });
}

/** The return's lines and its thread's together, oldest first (a thread line after a return line of its instant). */
export function mergedHistory(returnLines: HistoryLine[], threadLines: HistoryLine[]): HistoryLine[] {
  const merged: HistoryLine[] = [];
  let t = 0;
  for (const line of returnLines) {
    while (t < threadLines.length && threadLines[t].at < line.at) merged.push(threadLines[t++]);
    merged.push(line);
  }
  return [...merged, ...threadLines.slice(t)];
}

/** An instant as people in the partnership read it: "3 December 2026 at 2:05pm", in UK time (GMT or BST). */
export function timeInWords(iso: string): string {
  const clock = clockInWords(iso);
  // GOV.UK style: 12am is midnight and 12pm midday.
  const words = clock === '12:00am' ? 'midnight' : clock === '12:00pm' ? 'midday' : clock;
  return `${dayInWords(iso)} at ${words}`;
}

/** A calendar date (YYYY-MM-DD) in words: "23 December 2026". */
export function dateInWords(date: string): string {
  return dayInWords(date);
}
