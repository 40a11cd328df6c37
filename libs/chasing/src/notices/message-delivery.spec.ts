import { DigestReader, digestItems, WindowMessage } from '../digests/digest.decide.js';
import { windowOf } from '../digests/digest-window.js';
import { MessageRecipient } from './message-recipients.js';
import { messageDelivery, preferencesByEmail } from './message-delivery.js';

const at = (time: string) => new Date(`2026-12-03T${time}Z`);
const chose = (delivery: 'digest' | 'at-once', time: string) => ({
  type: 'MailDeliveryChosen',
  data: { delivery },
  recordedAt: at(time),
});
const rita: MessageRecipient = { email: 'rita@lsp.example', name: 'Rita', side: 'staff' };
const raj: MessageRecipient = { email: 'Raj@lsp.example', name: 'Raj', side: 'staff' };
const ann: MessageRecipient = { email: 'ann@kcc.example', name: 'Ann', side: 'agency' };

describe('messageDelivery: given preferences, when a message is posted, then each recipient hears once', () => {
  // given: Rita never chose (digests are the default); Raj chose "at once" at 09:00, then digests at 12:00.
  const preferences = preferencesByEmail([
    { email: 'rita@lsp.example', preference: [] },
    { email: 'raj@lsp.example', preference: [chose('at-once', '09:00:00'), chose('digest', '12:00:00')] },
  ]);

  it('puts staff on the default in the digest, and staff who chose "at once" on a mail of their own', () => {
    expect(messageDelivery([rita, raj], preferences, at('10:00:00'))).toEqual([
      { ...rita, way: 'digest' },
      { ...raj, way: 'at-once' },
    ]);
  });

  it('follows the choice in force when the message was posted, not the one in force now', () => {
    expect(messageDelivery([raj], preferences, at('12:00:01'))).toEqual([{ ...raj, way: 'digest' }]);
    expect(messageDelivery([raj], preferences, at('11:59:59'))).toEqual([{ ...raj, way: 'at-once' }]);
  });

  it('mails agency leads at once: they have no account and no choice', () => {
    expect(messageDelivery([ann], preferencesByEmail([]), at('10:00:00'))).toEqual([
      { ...ann, way: 'at-once' },
    ]);
  });

  it('gives each recipient the message once: a mail at once or a line in the digest, never both, never neither', () => {
    const readers: DigestReader[] = [rita, raj].map((r) => ({
      staffId: r.name,
      email: r.email,
      role: 'reviewer',
      partnershipId: 'lsp',
      themeIds: [],
      preference: preferences.get(r.email.toLowerCase()) ?? [],
    }));
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const postedAt = new Date(at('00:00:00').getTime() + minute * 60_000);
      // when: the at-once sender and the digest each take their part of the one decision
      const ways = messageDelivery([rita, raj, ann], preferences, postedAt);
      const mailedAtOnce = ways.filter((w) => w.way === 'at-once').map((w) => w.email);
      const message: WindowMessage = {
        kind: 'message',
        position: minute,
        at: postedAt,
        returnId: 'y1.S1',
        partnershipId: 'lsp',
        themeId: 'safe',
        digestFor: ways.filter((w) => w.way === 'digest').map((w) => w.email),
        notified: mailedAtOnce,
      };
      const window = windowOf(postedAt, 3_600_000);
      const inDigest = readers
        .filter((r) => digestItems(r, window, [message]).length === 1)
        .map((r) => r.email);
      // then: every recipient exactly once
      expect([...mailedAtOnce, ...inDigest].sort()).toEqual([rita.email, raj.email, ann.email].sort());
    }
  });
});
