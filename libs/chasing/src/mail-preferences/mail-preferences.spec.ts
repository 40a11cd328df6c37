import { coordinator, lead, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import {
  decideMailPreference,
  deliveryAt,
  evolveMailPreference,
  initialMailPreference,
  MailPreferenceCommand,
  MailPreferenceEvent,
  MailPreferenceState,
} from './mail-preference.js';

// given-events / when-command / then-events
const given = (...events: MailPreferenceEvent[]): MailPreferenceState =>
  events.reduce(evolveMailPreference, initialMailPreference());
const when = (state: MailPreferenceState, command: Omit<MailPreferenceCommand, 'type' | 'staffId'>) =>
  decideMailPreference({ type: 'ChooseMailDelivery', staffId: 's1', ...command }, state);
const chosen = (delivery: 'digest' | 'at-once'): MailPreferenceEvent => ({
  type: 'MailDeliveryChosen',
  data: { staffId: 's1', delivery },
});

describe('a staff member’s mail preference', () => {
  it('is a digest until chosen otherwise', () => {
    expect(given()).toEqual({ status: 'default', delivery: 'digest' });
  });

  it('records a choice, and a change of it', () => {
    expect(when(given(), { actor: reviewer, delivery: 'at-once' })).toEqual([chosen('at-once')]);
    expect(when(given(chosen('at-once')), { actor: reviewer, delivery: 'digest' })).toEqual([
      chosen('digest'),
    ]);
    // Choosing the default out loud is recorded: the mail then says "you chose".
    expect(when(given(), { actor: coordinator, delivery: 'digest' })).toEqual([chosen('digest')]);
  });

  it('records nothing when the choice is already in force', () => {
    expect(when(given(chosen('at-once')), { actor: reviewer, delivery: 'at-once' })).toEqual([]);
  });

  it('refuses anything but the two choices, naming the field', () => {
    for (const delivery of ['hourly', '', null, 3, { a: 1 }])
      thenError(
        () => when(given(), { actor: reviewer, delivery }),
        'invalid-delivery',
        'unprocessable',
        'delivery',
      );
  });

  it('is for staff only', () => {
    thenError(() => when(given(), { actor: lead, delivery: 'digest' }), 'staff-only', 'forbidden');
  });

  it('is read as it stood at an instant', () => {
    const events = [
      { ...chosen('at-once'), recordedAt: new Date('2026-12-03T10:00:00Z') },
      { ...chosen('digest'), recordedAt: new Date('2026-12-03T11:00:00Z') },
    ];
    expect(deliveryAt(events, new Date('2026-12-03T09:00:00Z')).delivery).toBe('digest');
    expect(deliveryAt(events, new Date('2026-12-03T10:30:00Z')).delivery).toBe('at-once');
    expect(deliveryAt(events, new Date('2026-12-03T11:00:00Z'))).toEqual({
      status: 'chosen',
      delivery: 'digest',
    });
  });
});
