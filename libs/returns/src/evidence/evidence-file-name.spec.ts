import { DomainError } from '../../../kernel/src/index.js';
import { checkedFileName, checkedTitle } from './evidence-file-name.js';

const refusal = (check: () => unknown) => {
  try {
    check();
  } catch (error) {
    if (error instanceof DomainError) return [error.code, error.field];
    throw error;
  }
  return null;
};

describe('an evidence file’s name and title', () => {
  it('takes names in any script, with spaces, brackets and accents', () => {
    for (const name of ['Monitoring sheet (Q3) – café.xlsx', 'تقرير.pdf', 'می‌خواهم.docx', '报告 2019.pdf'])
      expect(checkedFileName(` ${name} `)).toBe(name);
  });

  it('refuses a name or title holding a control, a line separator or any bidirectional formatting character', () => {
    // An outside tester's probe (2026-12-05): the Arabic letter mark and the line and paragraph separators were
    // taken while the right-to-left mark beside them was refused.
    for (const c of [
      '\u0000',
      '\u0007',
      '\u0085',
      '\u061c',
      '\u200f',
      '\u2028',
      '\u2029',
      '\u202e',
      '\u2067',
    ]) {
      const code = c.codePointAt(0)!.toString(16);
      expect([code, refusal(() => checkedFileName(`report${c}fdp.exe`))]).toEqual([
        code,
        ['file-name-control-characters', 'file'],
      ]);
      expect([code, refusal(() => checkedTitle(`Min${c}utes`, 'x.pdf'))]).toEqual([
        code,
        ['title-control-characters', 'title'],
      ]);
    }
  });

  // An attacker's probe (2026-12-06): trim() leaves zero-width spaces, and "." passed as a name.
  it('refuses a name that shows nothing, and takes the name for a title that shows nothing', () => {
    for (const name of ['.', '...', ' . ', '\u200b', '\u200b\ufeff', '\u00ad\u200d']) {
      expect(refusal(() => checkedFileName(name))).toEqual(['file-name-required', 'file']);
    }
    expect(checkedFileName('.profile')).toBe('.profile');
    expect(checkedFileName('\u200b.pdf')).toBe('\u200b.pdf');
    expect(checkedTitle('\u200b \ufeff', 'sheet.pdf')).toBe('sheet.pdf');
    expect(checkedTitle('...', 'sheet.pdf')).toBe('...');
  });

  it('refuses path parts and names over 255 characters', () => {
    expect(refusal(() => checkedFileName('../../x.pdf'))).toEqual(['file-name-path', 'file']);
    expect(refusal(() => checkedFileName('a\\b.pdf'))).toEqual(['file-name-path', 'file']);
    expect(refusal(() => checkedFileName(`${'x'.repeat(252)}.pdf`))).toEqual(['file-name-too-long', 'file']);
    expect(checkedFileName(`${'x'.repeat(251)}.pdf`)).toHaveLength(255);
  });
});
