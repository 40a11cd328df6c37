import { renderNarrative } from '../../../returns/src/index.js';
import { narrativeText } from './narrative-text.js';

describe('narrativeText', () => {
  it('keeps paragraphs, bullets and nested bullets as the seed prints them, without markup', () => {
    const md = [
      'The district remains the **second lowest** in Kent. See [the plan](https://example.org/plan).',
      '',
      '- 42 Anti-Social Behaviour (ASB) Warning Letters,',
      '- Agreements',
      '  - 32 Acceptable Behaviour Agreements (ABA)',
      '  - 11 ABA breach letters',
      '',
      '1. first',
      '2. second',
    ].join('\n');
    expect(narrativeText(md)).toBe(
      [
        'The district remains the second lowest in Kent. See the plan (https://example.org/plan).',
        '',
        '• 42 Anti-Social Behaviour (ASB) Warning Letters,',
        '• Agreements',
        '  • 32 Acceptable Behaviour Agreements (ABA)',
        '  • 11 ABA breach letters',
        '',
        '1. first',
        '2. second',
      ].join('\n'),
    );
  });

  it('hangs the rest of a list item under its text: its second paragraph, a broken line, a quote in it', () => {
    const md = [
      '- Patrols',
      '',
      '  Friday nights',
      '  > Quoted',
      '  > - in a list',
      '1. One',
      '   more',
    ].join('\n');
    expect(narrativeText(md)).toBe(
      ['• Patrols', '  Friday nights', '  Quoted', '  • in a list', '', '1. One', '   more'].join('\n'),
    );
  });

  it('gives a list pasted from Word the same bullets as one typed with dashes', () => {
    // Word puts a bullet and a tab before each item, "o" one level in: the cell had them as typed, tabs too.
    expect(narrativeText('This included:\n•\tAttending events\no\tIn Swanley\n•\tInviting schools')).toBe(
      ['This included:', '', '• Attending events', '  • In Swanley', '• Inviting schools'].join('\n'),
    );
  });

  it('is read back as the same lists: a past year recorded from the spreadsheet prints them as the report did', () => {
    // The spreadsheet's Progress is this text, and a past year may be recorded from it (Past years): its nested
    // bullets, indented under their item, were read as bullets at the margin, S2's and C1's sub-bullets too.
    const md = [
      'This year the group have issued:',
      '',
      '- Letters:',
      '  - 42 Anti-Social Behaviour (ASB) Warning Letters,',
      '    - of which 3 in Swanley',
      '  - 11 ABA breach letters',
      '- Agreements',
      '',
      '1. First',
      '2. Second',
      '   - nested under the second',
      '3. Third',
    ].join('\n');
    const text = narrativeText(md);
    expect(text).toContain('\n  • 42 Anti-Social');
    expect(renderNarrative(text)).toBe(renderNarrative(md));
    expect(narrativeText(text)).toBe(text);
    // A list indented as a whole, a tab or spaces before every bullet, is still a list at the margin.
    expect(renderNarrative('Intro:\n\n\t•\tx\n\t•\ty')).toBe(renderNarrative('Intro:\n\n- x\n- y'));
    expect(renderNarrative('Intro:\n    • x\n    • y')).toBe(renderNarrative('Intro:\n- x\n- y'));
  });

  it('keeps typed HTML and entities as the text they are, and single new lines as line breaks', () => {
    expect(narrativeText('Tom & <b>Jerry</b>\nnext line')).toBe('Tom & <b>Jerry</b>\nnext line');
    expect(narrativeText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
    expect(narrativeText('a \\* b')).toBe('a * b');
    expect(narrativeText(null)).toBe('');
  });

  it.each([
    ['quotes', '>'.repeat(5000) + ' deep'],
    ['list markers', '- '.repeat(5000) + 'deep'],
    ['emphasis', '*'.repeat(5000) + 'deep' + '*'.repeat(5000)],
  ])('gives nesting thousands deep (%s) as the text typed instead of failing', (_what, input) => {
    expect(narrativeText(input)).toBe(input);
  });
});
