import {
  DigestReader,
  decideDigest,
  deliveryInWords,
  digestItems,
  messageExcerpt,
  WindowMessage,
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
  kind: 'submission',
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
  role: 'reviewer',
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

  it('lists a return submitted again in the window once, at its last submission, among the others', () => {
    const first = submitted('10:05:00');
    const other = submitted('10:06:00');
    const again = { ...first, position: position++, at: at('10:40:00') };
    expect(digestItems(rita, window, [again, other, first])).toEqual([other, again]);
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

describe('decideDigest: given messages, when a window closes, then the digest holds', () => {
  const window = windowOf(at('10:00:00'), HOUR);
  const posted = (time: string, more: Partial<WindowMessage> = {}): WindowMessage => ({
    kind: 'message',
    position: position++,
    at: at(time),
    returnId: 'y1.S1',
    partnershipId: 'lsp',
    themeId: 'safe',
    digestFor: ['rita@lsp.example'],
    notified: [],
    ...more,
  });

  it('lists every message owed the reader in the window, with its submissions, in log order', () => {
    const first = posted('10:05:00');
    const submission = submitted('10:06:00');
    const second = posted('10:07:00');
    const third = posted('10:59:59');
    expect(
      decideDigest({ now: at('11:00:00'), window }, rita, [
        third,
        submission,
        posted('11:00:00'),
        second,
        first,
      ]),
    ).toEqual({ type: 'send', key: digestKey(window), items: [first, submission, second, third] });
  });

  it('holds only the messages its reader was owed in a digest when they were posted, whatever their choice now', () => {
    // digestFor is the choice in force at posting (messageDelivery); a later "at once" does not take them back.
    const reader = { ...rita, preference: [chose('at-once', '10:30:00')] };
    const early = posted('10:05:00');
    const forRaj = posted('10:06:00', { digestFor: ['raj@lsp.example'] });
    expect(digestItems(reader, window, [early, forRaj])).toEqual([early]);
    expect(decideDigest({ now: at('11:00:00'), window }, rita, [forRaj])).toEqual({ type: 'nothing' });
  });

  it('leaves out a message mailed at once by an earlier release, and another partnership’s', () => {
    const told = posted('10:05:00', { notified: ['Rita@LSP.example'] });
    const elsewhere = posted('10:06:00', { partnershipId: 'other-lsp' });
    expect(digestItems(rita, window, [told, elsewhere])).toEqual([]);
  });

  it('gives a coordinator messages owed them, never submissions (they review none)', () => {
    const cora: DigestReader = { ...rita, staffId: 'cora', email: 'cora@lsp.example', role: 'coordinator' };
    const message = posted('10:05:00', { digestFor: ['cora@lsp.example'] });
    expect(digestItems(cora, window, [submitted('10:04:00'), message])).toEqual([message]);
  });

  it('quotes the first ~200 characters of a message on one line, cut at a word', () => {
    expect(messageExcerpt('Split the\n\nfigures   by district.')).toBe('Split the figures by district.');
    const long = 'word '.repeat(60);
    const excerpt = messageExcerpt(long);
    expect(excerpt.length).toBeLessThanOrEqual(201);
    expect(excerpt).toMatch(/word…$/);
    expect(messageExcerpt('x'.repeat(250))).toBe(`${'x'.repeat(200)}…`);
    // Never half an emoji (a lone surrogate shows as a broken character in the mail).
    expect(messageExcerpt(`${'x'.repeat(199)}😀 more`)).toBe(`${'x'.repeat(199)}…`);
  });
});
