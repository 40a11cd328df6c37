import { Actor, DomainError } from '../../../kernel/src/index.js';

/** How a staff member hears of new work: one digest per window (the default), or one mail per thing at once. */
export const MAIL_DELIVERIES = ['digest', 'at-once'] as const;
export type MailDelivery = (typeof MAIL_DELIVERIES)[number];
export const DEFAULT_DELIVERY: MailDelivery = 'digest';

/** A person's choice lives in their own stream, so it has a history and every digest can be re-derived. */
export const mailPreferenceStreamId = (staffId: string) => `mail-preferences:${staffId}`;

export type MailPreferenceEvent = {
  type: 'MailDeliveryChosen';
  data: { staffId: string; delivery: MailDelivery };
};

export type MailPreferenceState =
  { status: 'default'; delivery: MailDelivery } | { status: 'chosen'; delivery: MailDelivery };

export const initialMailPreference = (): MailPreferenceState => ({
  status: 'default',
  delivery: DEFAULT_DELIVERY,
});

export type MailPreferenceCommand = {
  type: 'ChooseMailDelivery';
  actor: Actor;
  staffId: string;
  delivery: unknown;
};

export function decideMailPreference(
  command: MailPreferenceCommand,
  state: MailPreferenceState,
): MailPreferenceEvent[] {
  switch (command.type) {
    case 'ChooseMailDelivery': {
      if (command.actor.role === 'agency-lead' || command.actor.role === 'system')
        throw new DomainError('staff-only', 'Only staff choose how they get mail', 'forbidden');
      const delivery = command.delivery;
      if (!MAIL_DELIVERIES.includes(delivery as MailDelivery))
        throw new DomainError(
          'invalid-delivery',
          'Choose how you want to hear of new submissions and messages: a digest, or one mail for each at once',
          'unprocessable',
          'delivery',
        );
      // Choosing what is already in force records nothing: the history shows changes only.
      if (state.status === 'chosen' && state.delivery === delivery) return [];
      return [
        {
          type: 'MailDeliveryChosen',
          data: { staffId: command.staffId, delivery: delivery as MailDelivery },
        },
      ];
    }
    default: {
      const unhandled: never = command.type;
      throw new Error(`unhandled command ${String(unhandled)}`);
    }
  }
}

export function evolveMailPreference(
  state: MailPreferenceState,
  event: MailPreferenceEvent,
): MailPreferenceState {
  switch (event.type) {
    case 'MailDeliveryChosen':
      return { status: 'chosen', delivery: event.data.delivery };
    default: {
      const unhandled: never = event.type;
      // An event type this release does not know leaves the choice as it was, so an old worker still mails.
      void unhandled;
      return state;
    }
  }
}

/**
 * The choice in force at an instant: a thing that happened while someone chose "at once" was mailed at once,
 * one that happened while they chose digests belongs to a digest, whatever they choose later, so each thing
 * goes one way only and the answer can be read again from the events at any time.
 */
export function deliveryAt(
  events: readonly { type: string; data: unknown; recordedAt: Date }[],
  at: Date,
): MailPreferenceState {
  return events
    .filter((e) => e.recordedAt.getTime() <= at.getTime())
    .reduce((s, e) => evolveMailPreference(s, e as MailPreferenceEvent), initialMailPreference());
}

/** "hourly digests", "daily digests", "digests every 15 minutes": the digest interval in a sentence. */
export function digestsInWords(ms: number): string {
  if (ms === 3_600_000) return 'hourly digests';
  if (ms === 86_400_000) return 'daily digests';
  if (ms % 3_600_000 === 0) return `digests every ${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `digests every ${ms / 60_000} minutes`;
  return `digests every ${Math.round(ms / 1000)} seconds`;
}
