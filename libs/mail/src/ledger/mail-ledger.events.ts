/**
 * Which ledger a mail is recorded in: the prefix of its event types. Reminders (chase digests) live in the
 * agency's chase stream, notifications in the return's notifications stream, submission-link mails in a stream
 * of their own per link, digests in a stream per person (`digests:<staffId>`). A later kind of mail picks a prefix
 * and a stream here, never new rules.
 */
export type LedgerPrefix = 'Reminder' | 'Notification' | 'LinkMail' | 'PasswordMail' | 'Digest';

/** Which mail an event is about: the owing event's key (a chase step, a version, a link id) and the address. */
export interface MailAddress {
  key: string;
  recipient: string;
  /**
   * What the mail is about, where its content grows over time and the key alone cannot say (a coordinator's
   * escalation mail lists the agencies it names): recorded on each of the mail's events, so what was said is
   * read back from the log and a later mail says only the rest.
   */
  covers?: readonly string[];
}

/**
 * The ledger's events, each stored as <prefix><Kind>: claimed before the mail goes to the SMTP server, then sent
 * or failed. Renewals of the sender's lease are not events: they live in the mail_leases table.
 */
export type LedgerEvent<P extends string> =
  | {
      type: `${P}Claimed`;
      /** leaseUntil: when the claimant's lease would first have lapsed (the table renews it while it sends). */
      data: MailAddress & { claimId: string; leaseUntil: string };
    }
  | { type: `${P}Sent`; data: MailAddress & { messageId: string } }
  | {
      type: `${P}DeliveryFailed`;
      data: MailAddress & {
        reason: string;
        responseCode: number | null;
        /** A permanent failure (SMTP 5xx) is never retried; a temporary one is, until attempts run out. */
        permanent: boolean;
        willRetry: boolean;
      };
    };

/** A ledger event without its prefix: what the pure rules decide and fold. */
export type MailEvent = LedgerEvent<''>;

export const withPrefix = <P extends LedgerPrefix>(prefix: P, event: MailEvent): LedgerEvent<P> =>
  ({ type: `${prefix}${event.type}`, data: event.data }) as LedgerEvent<P>;
