import { RetentionPeriods } from '../set-retention-periods/retention-periods.js';

/** A contact as the partnership's events give them: `removedAt` null while on the plan. */
export interface ContactFact {
  email: string;
  name: string;
  agencyId: string;
  /** When they were last taken off the plan; null while any agency of the plan lists them. */
  removedAt: Date | null;
}

export interface CycleFact {
  cycleId: string;
  openedAt: Date | null;
  closedAt: Date | null;
}

/** A file a return still holds (attached, not removed): its bytes are what retention may delete. */
export interface EvidenceFact {
  returnId: string;
  cycleId: string;
  evidenceId: string;
  title: string;
}

export interface RetentionFacts {
  contacts: readonly ContactFact[];
  cycles: readonly CycleFact[];
  evidence: readonly EvidenceFact[];
}

export interface DueContact extends ContactFact {
  /** The instant from which the period ran: the later of their removal and the close of their last cycle. */
  since: Date;
}

export interface RetentionDue {
  contacts: DueContact[];
  evidence: EvidenceFact[];
  /** Rows of these kinds that ended before these instants are due (the store finds them by their timestamps). */
  mailBefore: Date;
  sessionsBefore: Date;
}

const DAY = 24 * 60 * 60 * 1000;

/** Calendar months back, in UTC, clamped to the month's last day (31 March less one month is 28/29 February). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * What a retention run deletes or forgets at `now`, from the partnership's periods and facts read from its events
 * and read models. Pure: time is passed in, and the same facts give the same answer, so the dry run and the run
 * agree and a run repeated after a crash finds only what the first did not do.
 *
 * - A contact still on the plan is never due. One off it is due `contactMonths` after the later of their removal
 *   and the close of the last cycle opened before it; while such a cycle is still open, not at all.
 * - A file is due when its cycle closed more than `evidenceYears` ago.
 */
export function decideRetentionDue(
  periods: RetentionPeriods,
  facts: RetentionFacts,
  now: Date,
): RetentionDue {
  const contactCutoff = monthsBefore(now, periods.contactMonths);
  const contacts: DueContact[] = [];
  for (const contact of facts.contacts) {
    if (contact.removedAt === null) continue;
    const removedAt = contact.removedAt;
    const theirs = facts.cycles.filter((c) => c.openedAt !== null && c.openedAt <= removedAt);
    if (theirs.some((c) => c.closedAt === null)) continue;
    const since = theirs.reduce((t, c) => (c.closedAt! > t ? c.closedAt! : t), removedAt);
    if (since <= contactCutoff) contacts.push({ ...contact, since });
  }
  const evidenceCutoff = monthsBefore(now, periods.evidenceYears * 12);
  const closedLongAgo = new Set(
    facts.cycles.filter((c) => c.closedAt !== null && c.closedAt <= evidenceCutoff).map((c) => c.cycleId),
  );
  return {
    contacts,
    evidence: facts.evidence.filter((f) => closedLongAgo.has(f.cycleId)),
    mailBefore: new Date(now.getTime() - periods.mailDays * DAY),
    sessionsBefore: new Date(now.getTime() - periods.sessionDays * DAY),
  };
}
