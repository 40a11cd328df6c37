import { wordDiff } from './word-diff.js';

const joined = (changes: { op: string; text: string }[], keep: string) =>
  changes
    .filter((c) => c.op !== keep)
    .map((c) => c.text)
    .join('');

describe('wordDiff', () => {
  it('given one word replaced, marks only what changed in that word as removed and its replacement as added', () => {
    expect(wordDiff('Referrals rose by 12% this year', 'Referrals rose by 15% this year')).toEqual([
      { op: ' ', text: 'Referrals rose by ' },
      { op: '-', text: '12' },
      { op: '+', text: '15' },
      { op: ' ', text: '% this year' },
    ]);
  });

  it('given words added at the end, keeps the rest whole', () => {
    expect(wordDiff('Work started.', 'Work started. All done.')).toEqual([
      { op: ' ', text: 'Work started. ' },
      { op: '+', text: 'All done.' },
    ]);
  });

  it('given any two texts, the kept and removed runs read back as the old text and kept and added as the new', () => {
    const before = 'Grants issued:\n- DFG 81\n- Discharge 6, as planned';
    const after = 'Grants issued:\n- DFG 81\n- Discharge 7\n- Safe and Secure 12, more than planned';
    const changes = wordDiff(before, after);
    expect(joined(changes, '+')).toBe(before);
    expect(joined(changes, '-')).toBe(after);
    expect(changes.filter((c) => c.op === '-').map((c) => c.text.trim())).toEqual(['6', 'as']);
  });

  it('given empty or equal texts, answers nothing changed', () => {
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('Same', 'Same')).toEqual([{ op: ' ', text: 'Same' }]);
    expect(wordDiff('', 'New text')).toEqual([{ op: '+', text: 'New text' }]);
    expect(wordDiff('Old text', '')).toEqual([{ op: '-', text: 'Old text' }]);
  });

  it('given texts too different to compare word by word, shows the old one removed and the new one added', () => {
    const before = Array.from({ length: 6000 }, (_, i) => `old${i}`).join(' ');
    const after = Array.from({ length: 6000 }, (_, i) => `new${i}`).join(' ');
    expect(wordDiff(before, after)).toEqual([
      { op: '-', text: before },
      { op: '+', text: after },
    ]);
  });
});
