import {
  DigestReader,
  decideDigest,
  deliveryInWords,
  digestItems,
  WindowSubmission,
} from './digest.decide.js';
import { closedWindowsSpan, DIGEST_CATCH_UP_MS, digestKey, windowOf } from './digest-window.js';

const HOUR = 3_600_000;
const at = (time: string, day = '2026-12-03') => new Date(`${day}T${time}Z`);

// given: submissions as the log holds them, and readers with their preference streams
let position = 100;
const submitted = (
  time: string,
  themeId = 'safe',
  more: Partial<WindowSubmission> = {},
): WindowSubmission => ({
  position: position++,
  at: at(time),
  returnId: `y1.${themeId}-${position}`,
  partnershipId: 'lsp',
  themeId,
  notified: [],
  ...more,
});
const chose = (delivery: 'digest' | 'at-once', time: string) => ({
  type: 'MailDeliveryChosen',
  data: { staffId: 'rita', delivery },
  recordedAt: at(time),
});
const rita: DigestReader = {
  staffId: 'rita',
  email: 'rita@lsp.example',
  partnershipId: 'lsp',
  themeIds: [],
  preference: [],
};
const raj: DigestReader = { ...rita, staffId: 'raj', email: 'raj@lsp.example', themeIds: ['safe'] };

describe('digest windows', () => {
  it('cuts time into windows counted from the epoch: every worker puts an instant in the same one', () => {
    expect(windowOf(at('10:00:00'), HOUR)).toEqual({ start: at('10:00:00'), end: at('11:00:00') });
    expect(windowOf(at('10:59:59.999'), HOUR)).toEqual({ start: at('10:00:00'), end: at('11:00:00') });
    expect(windowOf(at('11:00:00'), HOUR).start).toEqual(at('11:00:00'));
    expect(windowOf(at('10:07:30'), 15 * 60_000)).toEqual({ start: at('10:00:00'), end: at('10:15:00') });
    expect(digestKey(windowOf(at('10:20:00'), HOUR))).toBe(
      '2026-12-03T10:00:00.000Z..2026-12-03T11:00:00.000Z',
    );
  });

  it('scans the windows closed by now, back over the catch-up span, never the open one', () => {
    const span = closedWindowsSpan(at('11:00:01'), HOUR);
    expect(span.end).toEqual(at('11:00:00'));
    expect(span.end.getTime() - span.start.getTime()).toBe(DIGEST_CATCH_UP_MS);
    expect(closedWindowsSpan(at('10:59:59'), HOUR).end).toEqual(at('10:00:00'));
  });
});

describe('decideDigest: given submissions, when a window closes, then the digest holds', () => {
  const window = windowOf(at('10:00:00'), HOUR);
  const ten = Array.from({ length: 10 }, (_, i) => submitted(`10:${String(i * 5).padStart(2, '0')}:00`));
  const earlier = submitted('09:59:59');
  const later = submitted('11:00:00');
  const log = [later, ...ten.slice().reverse(), earlier];

  it('waits while the window is open', () => {
    expect(decideDigest({ now: at('10:59:59'), window }, rita, log)).toEqual({
      type: 'wait',
      until: at('11:00:00'),
    });
  });

  it('lists every submission of the window once, in log order, and nothing either side of it', () => {
    expect(decideDigest({ now: at('11:00:00'), window }, rita, log)).toEqual({
      type: 'send',
      key: '2026-12-03T10:00:00.000Z..2026-12-03T11:00:00.000Z',
      items: ten,
    });
    // Decided again later (a second job, a worker started again): the same digest, so the ledger sends it once.
    expect(decideDigest({ now: at('18:00:00'), window }, rita, log)).toEqual(
      decideDigest({ now: at('11:00:00'), window }, rita, log),
    );
  });

  it('holds only the themes and the partnership the reader reviews; nothing means no mail', () => {
    const caring = submitted('10:01:00', 'caring');
    const safe = submitted('10:02:00', 'safe');
    const elsewhere = submitted('10:03:00', 'safe', { partnershipId: 'other-lsp' });
    expect(decideDigest({ now: at('11:00:00'), window }, raj, [caring, safe, elsewhere])).toEqual({
      type: 'send',
      key: digestKey(window),
      items: [safe],
    });
    expect(decideDigest({ now: at('11:00:00'), window }, raj, [caring, elsewhere])).toEqual({
      type: 'nothing',
    });
  });

  it('leaves out what came while the reader chose "at once" (mailed then), and keeps the rest', () => {
    const reader = { ...rita, preference: [chose('at-once', '10:00:00'), chose('digest', '10:30:00')] };
    expect(digestItems(reader, window, ten)).toEqual(ten.slice(6)); // 10:30 and after
  });

  it('leaves out a submission the reader was already mailed about at once (an earlier release did so)', () => {
    const told = submitted('10:10:00', 'safe', { notified: ['RITA@lsp.example'] });
    const untold = submitted('10:11:00', 'safe', { notified: ['raj@lsp.example'] });
    expect(digestItems(rita, window, [told, untold])).toEqual([untold]);
  });

  it('says which choice was in force', () => {
    expect(deliveryInWords([], at('10:00:00'), HOUR)).toBe('hourly digests are the default');
    expect(deliveryInWords([chose('digest', '09:00:00')], at('10:00:00'), HOUR)).toBe(
      'you chose hourly digests',
    );
    expect(deliveryInWords([chose('at-once', '09:00:00')], at('10:00:00'), HOUR)).toBe(
      'you chose one mail for each submission at once',
    );
    expect(deliveryInWords([chose('digest', '09:00:00')], at('10:00:00'), 15 * 60_000)).toBe(
      'you chose digests every 15 minutes',
    );
  });
});
