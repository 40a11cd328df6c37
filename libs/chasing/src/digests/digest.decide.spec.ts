import {
  DigestReader,
  decideDigest,
  deliveryInWords,
  digestItems,
  WindowSubmission,
} from './digest.decide.js';
import { windowOf } from './digest-window.js';

const HOUR = 3_600_000;
const at = (time: string) => new Date(`2026-12-03T${time}Z`);

// given: submissions as the log holds them, and readers with their preference streams
let position = 100;
const submitted = (time: string, themeId = 'safe', partnershipId = 'lsp'): WindowSubmission => ({
  position: position++,
  at: at(time),
  returnId: `y1.${themeId}-${position}`,
  partnershipId,
  themeId,
});
const chose = (delivery: 'digest' | 'at-once', time: string) => ({
  type: 'MailDeliveryChosen',
  data: { staffId: 'rita', delivery },
  recordedAt: at(time),
});
const rita: DigestReader = { staffId: 'rita', partnershipId: 'lsp', themeIds: [], preference: [] };
const safeOnly: DigestReader = { ...rita, staffId: 'raj', themeIds: ['safe'] };

describe('digest windows', () => {
  it('cuts time into windows counted from the epoch: every worker puts an instant in the same one', () => {
    expect(windowOf(at('10:00:00'), HOUR)).toEqual({ start: at('10:00:00'), end: at('11:00:00') });
    expect(windowOf(at('10:59:59.999'), HOUR)).toEqual({ start: at('10:00:00'), end: at('11:00:00') });
    expect(windowOf(at('11:00:00'), HOUR).start).toEqual(at('11:00:00'));
    expect(windowOf(at('10:07:30'), 15 * 60_000)).toEqual({ start: at('10:00:00'), end: at('10:15:00') });
  });
});

describe('decideDigest: given submissions, when a window closes, then the digest holds', () => {
  const window = windowOf(at('10:00:00'), HOUR);
  const ten = Array.from({ length: 10 }, (_, i) => submitted(`10:${String(i * 5).padStart(2, '0')}:00`));
  const earlier = submitted('09:59:59');
  const later = submitted('11:00:00');
  const all = [later, ...ten.slice().reverse(), earlier];

  it('waits while the window is open', () => {
    expect(decideDigest({ now: at('10:59:59'), window, submission: ten[0] }, rita, all)).toEqual({
      type: 'wait',
      until: at('11:00:00'),
    });
  });

  it('lists every submission of the window, in log order, and nothing either side of it', () => {
    const decision = decideDigest({ now: at('11:00:00'), window, submission: ten[0] }, rita, all);
    expect(decision).toEqual({ type: 'send', key: '2026-12-03T10:00:00.000Z', items: ten });
  });

  it('is sent by the job of the first submission only; the others leave it to that one', () => {
    for (const s of ten.slice(1))
      expect(decideDigest({ now: at('12:00:00'), window, submission: s }, rita, all)).toEqual({
        type: 'left-to',
        position: ten[0].position,
      });
  });

  it('holds only the themes the reader reviews, and is sent by the first of those', () => {
    const caring = submitted('10:01:00', 'caring');
    const safe = submitted('10:02:00', 'safe');
    const given = [caring, safe];
    expect(decideDigest({ now: at('11:00:00'), window, submission: caring }, safeOnly, given)).toEqual({
      type: 'not-theirs',
    });
    expect(decideDigest({ now: at('11:00:00'), window, submission: safe }, safeOnly, given)).toMatchObject({
      type: 'send',
      items: [safe],
    });
    expect(digestItems(safeOnly, window, [submitted('10:03:00', 'safe', 'other-lsp')])).toEqual([]);
  });

  it('leaves out what happened while the reader chose "at once" (mailed then), and keeps the rest', () => {
    const reader = { ...rita, preference: [chose('at-once', '10:00:00'), chose('digest', '10:30:00')] };
    const items = digestItems(reader, window, ten);
    expect(items).toEqual(ten.slice(6)); // 10:30 and after
    expect(decideDigest({ now: at('11:00:00'), window, submission: ten[0] }, reader, ten)).toEqual({
      type: 'not-theirs',
    });
  });

  it('says which choice was in force', () => {
    expect(deliveryInWords([], at('10:00:00'), HOUR)).toBe('hourly digests are the default');
    expect(deliveryInWords([chose('digest', '09:00:00')], at('10:00:00'), HOUR)).toBe(
      'you chose hourly digests',
    );
    expect(deliveryInWords([chose('at-once', '09:00:00')], at('10:00:00'), 15 * 60_000)).toBe(
      'you chose one mail for each submission at once',
    );
    expect(deliveryInWords([chose('digest', '09:00:00')], at('10:00:00'), 15 * 60_000)).toBe(
      'you chose digests every 15 minutes',
    );
  });
});
