import { LedgerEvent } from './chase.events.js';

/** Where one mail (a key such as a chase step, and a recipient) stands in the ledger. */
export type MailEntry =
  | { state: 'claimed'; claimId: string; leaseUntil: string }
  | { state: 'sent'; messageId: string }
  | { state: 'failed'; permanent: boolean; willRetry: boolean; reason: string };

export type Ledger = Map<string, MailEntry>;

export const mailKey = (key: string, recipient: string) => `${key}|${recipient.toLowerCase()}`;

/** Folds the ledger events of a stream (other events pass through untouched). */
export function evolveLedger(prefix: string, ledger: Ledger, event: { type: string; data: unknown }): Ledger {
  const e = event as LedgerEvent<string>;
  if (!e.type.startsWith(prefix)) return ledger;
  const id = mailKey(e.data.key, e.data.recipient);
  const next = new Map(ledger);
  switch (e.type.slice(prefix.length)) {
    case 'Claimed': {
      const d = e.data as { claimId: string; leaseUntil: string };
      next.set(id, { state: 'claimed', claimId: d.claimId, leaseUntil: d.leaseUntil });
      break;
    }
    case 'Sent':
      next.set(id, { state: 'sent', messageId: (e.data as { messageId: string }).messageId });
      break;
    case 'DeliveryFailed': {
      const d = e.data as { permanent: boolean; willRetry: boolean; reason: string };
      next.set(id, { state: 'failed', permanent: d.permanent, willRetry: d.willRetry, reason: d.reason });
      break;
    }
    default:
      return ledger;
  }
  return next;
}

export type ClaimDecision =
  /** Sent already, or failed for good: nothing to do, so a job that runs twice sends one mail. */
  | { action: 'done'; entry: MailEntry }
  /** Someone else holds a live claim: wait for their outcome (or for the lease to run out). */
  | { action: 'wait'; until: string }
  | { action: 'claim' };

/**
 * Whether this attempt may send. A claim whose lease ran out is taken over: its holder died between claiming and
 * recording, and most likely before its SMTP transaction finished (a mail is lost rather than sent twice only
 * if the process died in the instant between the server's 250 and the record).
 */
export function decideClaim(entry: MailEntry | undefined, now: Date): ClaimDecision {
  if (!entry) return { action: 'claim' };
  if (entry.state === 'sent') return { action: 'done', entry };
  if (entry.state === 'failed') return entry.willRetry ? { action: 'claim' } : { action: 'done', entry };
  if (new Date(entry.leaseUntil) > now) return { action: 'wait', until: entry.leaseUntil };
  return { action: 'claim' };
}
