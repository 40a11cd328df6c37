import { clockInWords, dayInWords } from '../../../kernel/src/index.js';
import type { ReturnEventType, ReturnHistoryEntry } from '../../../returns/src/index.js';

/** One line of a return's history as people read it: who did what, when, and the version it made. */
export interface HistoryLine {
  version: number;
  who: string;
  what: string;
  when: string;
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
};

const ROLE_WORDS: Record<string, string> = {
  coordinator: 'coordinator',
  reviewer: 'reviewer',
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
    };
  });
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
