import { readRules, rulesText } from './rules-text.js';

describe('the role mapping as typed', () => {
  it('reads one rule a line, skipping blank lines, and writes them back', () => {
    const { rules, errors } = readRules(
      'coordinator group lsp coordinators\r\n\nreviewer email rita@example.org\n',
    );
    expect(errors).toEqual([]);
    expect(rules).toEqual([
      { role: 'coordinator', match: 'group', value: 'lsp coordinators' },
      { role: 'reviewer', match: 'email', value: 'rita@example.org' },
    ]);
    expect(rulesText(rules)).toBe('coordinator group lsp coordinators\nreviewer email rita@example.org');
  });

  it('names the first line that is not a role, a kind of match and a value', () => {
    for (const text of [
      'viewer group x\nadmin group y',
      'viewer group x\nviewer name y',
      'viewer group x\nviewer group',
    ])
      expect(readRules(text).errors).toEqual([
        { field: 'rules', text: expect.stringMatching(/^Line 2 must be/) },
      ]);
  });
});
