import { HistoryLine } from '../return-history/history-words.js';
import { changedMeanwhile, sameDecisionAgain } from './changed-meanwhile.js';

const line = (version: number, what: string, extra: Partial<HistoryLine> = {}): HistoryLine => ({
  version,
  what,
  who: 'Raj Patel (reviewer)',
  when: '6 December 2026 at 7:30am',
  at: '2026-12-06T07:30:00Z',
  ...extra,
});

describe('changedMeanwhile', () => {
  it('lists what was done after the version seen, oldest first, leaving out message and file lines', () => {
    const history = [
      line(5, 'Submitted'),
      line(2, 'Message', { message: 'm1' }),
      line(4, 'Sent back: Add the figures'),
      line(3, 'Submitted'),
      line(1, 'File attached', { file: 'f1' }),
    ];
    const changed = changedMeanwhile(history, 3, { status: 'submitted', signOff: 'one-stage' });
    expect(changed.since.map((l) => l.what)).toEqual(['Sent back: Add the figures', 'Submitted']);
    expect(changed.summary).toBe(
      'This return changed while you had it open, so your decision was not recorded. It is waiting for review: read it again before you decide.',
    );
  });

  it('says where the return stands in words a reviewer acts on', () => {
    const now = (status: string, signOff = 'one-stage') =>
      changedMeanwhile([], 1, { status, signOff }).summary.split('. ')[1];
    expect(now('approved')).toBe('It is approved.');
    expect(now('approved', 'two-stage')).toBe('It is approved and waiting for acceptance.');
    expect(now('draft')).toBe('It is back with the agency lead.');
    expect(now('withdrawn')).toBe('It is withdrawn.');
  });
});

describe('sameDecisionAgain', () => {
  const history = [
    { version: 3, type: 'ReturnSubmitted', actorId: 'lead' },
    { version: 4, type: 'ReturnApproved', actorId: 'rita' },
  ];
  it('is the same person making the same decision that alone came after the version they read', () => {
    expect(sameDecisionAgain(history, 3, 'rita', 'ReturnApproved')).toBe(true);
  });
  it('is not another person, another decision, more since, or no version read', () => {
    expect(sameDecisionAgain(history, 3, 'raj', 'ReturnApproved')).toBe(false);
    expect(sameDecisionAgain(history, 3, 'rita', 'ReturnSentBack')).toBe(false);
    expect(sameDecisionAgain(history, 2, 'rita', 'ReturnApproved')).toBe(false);
    expect(sameDecisionAgain(history, undefined, 'rita', 'ReturnApproved')).toBe(false);
  });
});
