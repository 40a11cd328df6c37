import { shortReason, taskHintHtml } from './sent-back-hint.js';

describe('a sent-back reason on the task list', () => {
  it('is shown whole when short, escaped, each typed line kept', () => {
    expect(
      taskHintHtml('Due 30 April 2030', 'Add the <b>baseline</b>.\r\n\r\nAnd name the schemes & dates.'),
    ).toBe(
      'Due 30 April 2030<span class="govuk-!-display-block govuk-!-margin-top-1 app-break-words">' +
        'The reviewer asked for changes: Add the &lt;b&gt;baseline&lt;/b&gt;.<br>And name the schemes &amp; dates.</span>',
    );
    expect(taskHintHtml('Due 30 April 2030', null)).toBe('Due 30 April 2030');
    // Who sent it back and when, where the history says.
    expect(
      taskHintHtml('Due 30 April 2030', 'Add Q4', {
        who: 'Rita <Patel> (reviewer)',
        when: '3 May 2030 at 10:15am',
      }),
    ).toContain('>Rita &lt;Patel&gt; (reviewer) asked for changes, 3 May 2030 at 10:15am: Add Q4</span>');
  });

  it('is cut after a word when long, and after four lines, saying so with "…"', () => {
    const long = `${'The NEET figures do not match the county return. '.repeat(8)}End`;
    const { lines, shortened } = shortReason(long);
    expect(shortened).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The NEET figures .* county\u2026$/);
    expect([...lines[0]].length).toBeLessThanOrEqual(241);
    expect(shortReason('One\nTwo\nThree\nFour\nFive')).toEqual({
      lines: ['One', 'Two', 'Three', 'Four …'],
      shortened: true,
    });
    // One long word is cut where the room ends; an emoji is never cut in two.
    expect(shortReason('😀'.repeat(300)).lines[0]).toBe(`${'😀'.repeat(240)}…`);
  });
});
