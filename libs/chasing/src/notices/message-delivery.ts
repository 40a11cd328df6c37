import { deliveryAt } from '../mail-preferences/mail-preference.js';
import { MessageRecipient } from './message-recipients.js';

/** A person's mail preference events, as their stream holds them. */
export type PreferenceEvents = readonly { type: string; data: unknown; recordedAt: Date }[];

/** A recipient of a message with how it reaches them: a mail of its own now, or a line in their next digest. */
export type MessageDelivery = MessageRecipient & { way: 'at-once' | 'digest' };

/**
 * How each recipient of a message hears of it: an agency lead has no account and no choice, so at once; staff by
 * the choice in force when it was posted (a staff member with no preference stream has the default). The
 * at-once sender mails exactly the 'at-once' ones and the digest lists exactly the 'digest' ones, so each
 * recipient gets it one way: never both, never neither.
 */
export function messageDelivery(
  recipients: readonly MessageRecipient[],
  preferences: ReadonlyMap<string, PreferenceEvents>,
  postedAt: Date,
): MessageDelivery[] {
  return recipients.map((r) => ({
    ...r,
    way:
      r.side === 'agency'
        ? 'at-once'
        : deliveryAt(preferences.get(r.email.toLowerCase()) ?? [], postedAt).delivery,
  }));
}

/** The preferences of staff by lower-cased email, as messageDelivery looks them up. */
export const preferencesByEmail = (
  staff: readonly { email: string; preference: PreferenceEvents }[],
): Map<string, PreferenceEvents> => new Map(staff.map((s) => [s.email.toLowerCase(), s.preference]));
