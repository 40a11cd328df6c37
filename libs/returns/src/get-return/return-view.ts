import { REASON_EVENT_TYPES } from '../return-texts/reason-texts-hook.js';
import { StoredEvent } from '../../../event-store/src/index.js';
import { ReturnContent } from '../return/return-content.js';
import { ReturnEvent } from '../return/return.events.js';
import { renderNarrative } from '../return/render-narrative.js';
import { foldReturnEvents } from '../return/return.state.js';
import { SignOff } from '../cycle/sign-off.js';

export interface ReturnHistoryEntry {
  version: number;
  type: string;
  at: string;
  actorId: string;
  actorRole: string;
  reason: string | null;
  data: unknown;
}

/** The events that record a redaction, with the passage's SHA-256 the history leaves out (see below). */
const PASSAGE_REDACTIONS: ReadonlySet<string> = new Set(['PassageRedacted', 'MessagePassageRedacted']);

/** An event of a return's own stream, or of one beside it (its files, its thread), as its history shows it. */
export function historyEntry(e: StoredEvent, reason: string | null): ReturnHistoryEntry {
  return {
    version: e.version,
    type: e.type,
    at: e.recordedAt.toISOString(),
    actorId: e.metadata.actorId,
    actorRole: e.metadata.actorRole,
    reason,
    data: PASSAGE_REDACTIONS.has(e.type) ? withoutPassageHash(e.data) : e.data,
  };
}

/**
 * A redaction as the history shows it: where, why and how long, never the passage's SHA-256. The passage is
 * usually a name, and an unsalted hash beside its length let anyone who can read the history (a reviewer, a
 * viewer, an API client) confirm a guessed name from a list in moments, undoing the redaction. The hash stays
 * in the log, for whoever holds the database and the passage to prove what was taken out.
 */
function withoutPassageHash(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const { passageSha256: _hash, ...shown } = data as Record<string, unknown>;
  return shown;
}

export interface ReturnView {
  returnId: string;
  partnershipId: string;
  version: number;
  status: string;
  cycleId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  dueDate: string;
  originalDueDate: string;
  overdue: boolean;
  content: ReturnContent;
  /** The working narrative as safe HTML (full views only); null when there is none. */
  narrativeHtml?: string | null;
  /** What the report shows; it stays while an amendment is written, reviewed and accepted. */
  approved: { content: ReturnContent; by: string; narrativeHtml?: string | null } | null;
  /** One or two stages of sign-off, as its cycle chose. */
  signOff: SignOff;
  /** Two-stage cycles: the version a reviewer approved, waiting to be accepted; null otherwise. */
  awaitingAcceptance: { content: ReturnContent; by: string } | null;
  sentBackReason: string | null;
  /** Why the last approval was returned to review, until a reviewer decides again. */
  returnedToReviewReason: string | null;
  history?: ReturnHistoryEntry[];
}

/**
 * A return as people read it: its state folded from its events and, in the full view, its narratives as safe
 * HTML and the story of how it got there (lists leave those out: they show many returns at once).
 */
export function toReturnView(
  events: StoredEvent<ReturnEvent>[],
  now: Date,
  full: boolean,
): ReturnView | null {
  const state = foldReturnEvents(events);
  if (state.status === 'none') return null;
  const unresolved = state.status === 'requested' || state.status === 'draft';
  return {
    returnId: state.returnId,
    partnershipId: state.partnershipId,
    version: events[events.length - 1].version,
    status: state.status,
    cycleId: state.cycleId,
    measureRef: state.measureRef,
    themeId: state.themeId,
    agencyId: state.agencyId,
    dueDate: state.dueDate,
    originalDueDate: state.originalDueDate,
    overdue: unresolved && now.toISOString().slice(0, 10) > state.dueDate,
    content: state.content,
    approved: state.approved,
    signOff: state.signOff,
    awaitingAcceptance: state.awaitingAcceptance,
    sentBackReason: state.sentBackReason,
    returnedToReviewReason: state.returnedToReviewReason,
    ...(full
      ? {
          narrativeHtml: narrativeHtml(state.content),
          approved: state.approved && {
            ...state.approved,
            narrativeHtml: narrativeHtml(state.approved.content),
          },
          history: events.map((e) => historyEntry(e, e.metadata.reason ?? reasonIn(e))),
        }
      : {}),
  };
}

/** The reason an event's data holds (a send-back's, say), no longer copied into its metadata. */
function reasonIn(e: StoredEvent): string | null {
  const reason = REASON_EVENT_TYPES.has(e.type) ? (e.data as { reason?: unknown } | null)?.reason : null;
  return typeof reason === 'string' ? reason : null;
}

function narrativeHtml(content: ReturnContent): string | null {
  return content.narrative ? renderNarrative(content.narrative) : null;
}
