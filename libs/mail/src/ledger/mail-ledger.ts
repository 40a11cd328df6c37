import { LedgerPrefix, MailAddress, MailEvent } from './mail-ledger.events.js';
import { SmtpFailure } from './smtp-failure.js';

/** Where one mail stands in the ledger. A mail the ledger has no event of is owed: its owing event says so. */
export type MailState =
  | { status: 'owed' }
  | { status: 'claimed'; claimId: string; leaseUntil: string }
  | { status: 'sent'; messageId: string }
  | { status: 'failed'; permanent: boolean; willRetry: boolean; reason: string };

export const OWED: MailState = Object.freeze({ status: 'owed' });

export type MailCommand =
  /** Issued only by a sender holding the mail's lease (mail_leases): the lease is what keeps two senders apart. */
  | { type: 'ClaimMail'; claimId: string; leaseUntil: string; now: Date }
  | { type: 'RecordMailSent'; messageId: string }
  | { type: 'RecordMailFailure'; failure: SmtpFailure; attemptsLeft: boolean };

/** Sent, or failed for good: nothing more is owed, so a job that runs again sends nothing. */
export function isSettled(state: MailState): boolean {
  return state.status === 'sent' || (state.status === 'failed' && !state.willRetry);
}

export function decideMail(address: MailAddress, command: MailCommand, state: MailState): MailEvent[] {
  const { key, recipient } = address;
  switch (command.type) {
    case 'ClaimMail':
      if (isSettled(state)) return [];
      // A claim written before leases moved to their table carries its own lease: honoured until it lapses, so
      // a worker of the earlier release still sending during an upgrade is not doubled.
      if (state.status === 'claimed' && new Date(state.leaseUntil) > command.now) return [];
      return [
        {
          type: 'Claimed',
          data: { key, recipient, claimId: command.claimId, leaseUntil: command.leaseUntil },
        },
      ];
    case 'RecordMailSent':
      // Facts are recorded as they happened, a second copy included; but a mail only goes out under a claim.
      if (state.status === 'owed') throw new Error(`mail ${key} to ${recipient} sent without a claim`);
      return [{ type: 'Sent', data: { key, recipient, messageId: command.messageId } }];
    case 'RecordMailFailure': {
      if (state.status === 'owed') throw new Error(`mail ${key} to ${recipient} tried without a claim`);
      const { permanent, responseCode, reason } = command.failure;
      return [
        {
          type: 'DeliveryFailed',
          data: {
            key,
            recipient,
            reason,
            responseCode,
            permanent,
            willRetry: !permanent && command.attemptsLeft,
          },
        },
      ];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

export function evolveMail(state: MailState, event: MailEvent): MailState {
  switch (event.type) {
    case 'Claimed':
      return { status: 'claimed', claimId: event.data.claimId, leaseUntil: event.data.leaseUntil };
    case 'Sent':
      return { status: 'sent', messageId: event.data.messageId };
    case 'DeliveryFailed': {
      const { permanent, willRetry, reason } = event.data;
      return { status: 'failed', permanent, willRetry, reason };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

/** Every mail of one ledger stream, by mailKey. A stream may hold other events (a chase stream does). */
export type Ledger = Map<string, MailState>;

export const mailKey = (key: string, recipient: string) => `${key}|${recipient.toLowerCase()}`;

/** The ledger event an event of the stream is, if it is one of this ledger's (its type carries the prefix). */
export function asMailEvent(prefix: LedgerPrefix, event: { type: string; data: unknown }): MailEvent | null {
  if (!event.type.startsWith(prefix)) return null;
  const type = event.type.slice(prefix.length);
  if (type !== 'Claimed' && type !== 'Sent' && type !== 'DeliveryFailed') return null;
  return { type, data: event.data } as MailEvent;
}

/** Folds the ledger events of a stream into the state of each mail (other events pass through untouched). */
export function evolveLedger(
  prefix: LedgerPrefix,
  ledger: Ledger,
  event: { type: string; data: unknown },
): Ledger {
  const mail = asMailEvent(prefix, event);
  if (!mail) return ledger;
  const id = mailKey(mail.data.key, mail.data.recipient);
  return new Map(ledger).set(id, evolveMail(ledger.get(id) ?? OWED, mail));
}
