import { compareReturns } from '../../../returns/src/index.js';
import { contentAsRead, textAsRead } from './as-read.js';

// As typed in the form, and as the same words pasted again from Word: tabs, Word's bullets, other spaces.
const typed =
  'This year we:\n- Ran 12 patrols in Swanley\n  - by night\n- Sent 42 letters\n\n---\n\nFigures from the **CSP**.';
const pasted =
  'This year we:\r\n•\tRan 12 patrols  in Swanley \r\no\tby night\r\n•\tSent 42\tletters\r\n\r\n---\r\n\r\n\tFigures from the CSP.  ';

describe('a return as its reader sees it, for comparing two versions', () => {
  it('reads Markdown as the report prints it, spaces a page would show as one as one', () => {
    const read =
      'This year we:\n\n• Ran 12 patrols in Swanley\n  • by night\n• Sent 42 letters\n\n---\n\nFigures from the CSP.';
    expect(textAsRead(typed)).toBe(read);
    expect(textAsRead(pasted)).toBe(read);
  });

  it('finds no change in a narrative or case study only pasted again, and shows a real one in the words read', () => {
    const study = (body: string) => [
      { title: 'Patrols', agency: 'Kent Police', sections: [{ heading: 'What', body }] },
    ];
    const before = { rag: 'green' as const, narrative: typed, caseStudies: study(typed) };
    expect(compareReturns(before, { ...before, narrative: pasted, caseStudies: study(pasted) }).changed).toBe(
      true,
    );
    expect(
      compareReturns(
        contentAsRead(before),
        contentAsRead({ ...before, narrative: pasted, caseStudies: study(pasted) }),
      ).changed,
    ).toBe(false);
    const changed = compareReturns(
      contentAsRead(before),
      contentAsRead({ ...before, narrative: pasted.replace('12', '14') }),
    );
    expect(changed.narrative.filter((w) => w.op !== ' ')).toEqual([
      { op: '-', text: '12' },
      { op: '+', text: '14' },
    ]);
    expect(changed.narrative.map((w) => w.text).join('')).not.toMatch(/\t|- Ran|\*\*/);
  });
});
