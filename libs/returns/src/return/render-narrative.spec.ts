import { renderNarrative } from './render-narrative.js';

/** Tags left in the output, in order, without attributes: what the page will actually contain. */
const tags = (html: string) => [...html.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[0]);

/**
 * Whether the HTML is well formed: every element but br ends with its own end tag, in order, and no link holds
 * another. Returns the first fault, or null.
 */
function structuralFault(html: string): string | null {
  const open: string[] = [];
  for (const [tag, closing, name] of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/gi)) {
    if (name === 'br') continue;
    if (!closing) {
      if (name === 'a' && open.includes('a')) return `a link inside a link at ${tag}`;
      open.push(name);
    } else if (open.pop() !== name) return `${tag} closes something else`;
  }
  return open.length > 0 ? `unclosed ${open.join(', ')}` : null;
}

/** Every href, as the browser would read it. */
const hrefs = (html: string) =>
  [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

const REFUSED_LINKS = {
  'javascript:': 'javascript:alert(1)',
  'JavaScript: in odd case': 'JaVaScRiPt:alert(1)',
  'a relative path': '/admin',
  'a relative file': 'approve',
  'another host without a scheme': '//evil.example/a',
  'data:': 'data:text/html;base64,PHNjcmlwdD4=',
  'vbscript:': 'vbscript:msgbox(1)',
  'a fragment': '#approve',
};
const ALLOWED_LINKS = {
  https: 'https://www.sevenoaks.gov.uk/plan',
  http: 'http://example.org/a?b=1&c=2',
  mailto: 'mailto:csu@sevenoaks.gov.uk',
};
/** Places a link can stand in a narrative: each wraps the Markdown of two links. */
const PLACES: Record<string, (first: string, second: string) => string> = {
  'a paragraph': (a, b) => `Before ${a} middle ${b} after`,
  'two paragraphs': (a, b) => `${a}\n\n${b} after`,
  'a bullet': (a, b) => `- ${a} and ${b}\n- next`,
  'a nested bullet': (a, b) => `- top\n  - ${a}\n  - ${b}\n- next`,
  'bold and italic': (a, b) => `**${a}** _${b}_ *unclosed ${a}`,
  'a line starting #': (a, b) => `# ${a} ${b}`,
  'a quote': (a, b) => `> ${a}\n> ${b}`,
  'a table': (a, b) => `| x | y |\n|---|---|\n| ${a} | ${b} |`,
  'an ordered list': (a, b) => `1. ${a}\n2. ${b}`,
};

describe('renderNarrative', () => {
  describe('well-formed HTML whatever the links and markup', () => {
    const cases = Object.entries(PLACES).flatMap(([place, wrap]) =>
      Object.entries(REFUSED_LINKS).flatMap(([refused, bad]) =>
        Object.entries(ALLOWED_LINKS).map(([allowed, good]) => ({
          name: `${refused} then ${allowed} in ${place}`,
          markdown: wrap(`[refused words](${bad})`, `[allowed words](${good})`),
          reversed: wrap(`[allowed words](${good})`, `[refused words](${bad})`),
          good,
        })),
      ),
    );

    it.each(cases)('$name', ({ markdown, reversed, good }) => {
      for (const input of [markdown, reversed, `${markdown}\n\n${reversed}\n\n${markdown}`]) {
        const html = renderNarrative(input);
        expect({ input, fault: structuralFault(html) }).toEqual({ input, fault: null });
        expect(
          hrefs(html).every((href) => ['https:', 'http:', 'mailto:'].includes(new URL(href).protocol)),
        ).toBe(true);
        expect(hrefs(html)).toContain(good);
        expect(html).toContain('refused words');
        expect(html).not.toMatch(/javascript|vbscript|data:|href="\/|href="#|href="approve/i);
      }
    });

    it('closes every link with its own end tag after many refused ones (the report once got </span>)', () => {
      const html = renderNarrative(
        '[a](javascript:x) [b](/rel) [c](//h) [d](https://ok.example) tail [e](https://two.example)',
      );
      expect(html).toBe(
        '<p>a b c <a href="https://ok.example" rel="noopener noreferrer">d</a> tail ' +
          '<a href="https://two.example" rel="noopener noreferrer">e</a></p>',
      );
    });

    it.each([
      ['raw unclosed anchor', '<a href="https://evil.example">swallow [x](https://ok.example)'],
      ['raw closing tags', '</p></li></ul></a> [x](https://ok.example) </div>'],
      ['unclosed emphasis and lists', '**bold _italic [x](javascript:1)\n- [y](https://ok.example)\n  - **'],
      ['a link in a link', '[outer [inner](https://in.example)](https://out.example)'],
      ['angle-bracket autolinks', '<javascript:alert(1)> <https://ok.example> <//evil.example>'],
      ['bare addresses', 'www.example.org and https://ok.example/path and ftp://files.example'],
      ['an entity-written scheme', '[x](javascript&colon;alert(1)) [y](https://ok.example)'],
    ])('keeps %s well formed', (_what, input) => {
      const html = renderNarrative(input);
      expect(structuralFault(html)).toBeNull();
      expect(
        hrefs(html).every((href) => ['https:', 'http:', 'mailto:'].includes(new URL(href).protocol)),
      ).toBe(true);
    });

    it.each([
      ['quotes', '>'.repeat(5000) + ' deep'],
      ['list markers', '- '.repeat(5000) + 'deep'],
      ['emphasis', '*'.repeat(5000) + 'deep' + '*'.repeat(5000)],
      ['indented lists', Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i)}- deep ${i}`).join('\n')],
    ])('shows nesting thousands deep (%s) as text instead of failing', (_what, input) => {
      const html = renderNarrative(input);
      expect(structuralFault(html)).toBeNull();
      expect(html).toContain('deep');
    });
  });

  describe('the subset', () => {
    it('renders paragraphs, bold, italic and line breaks', () => {
      expect(renderNarrative('The plan is at **98%** on _target_.\nSecond line\n\nNext paragraph')).toBe(
        '<p>The plan is at <strong>98%</strong> on <em>target</em>.<br />Second line</p>\n<p>Next paragraph</p>',
      );
    });

    it('renders bullet lists, nested bullet lists and ordered lists', () => {
      const html = renderNarrative('- one\n- two\n  - two a\n    - two a i\n- three\n\n1. first\n2. second');
      expect(tags(html)).toEqual([
        ...['<ul', '<li', '</li', '<li', '<ul', '<li', '<ul', '<li', '</li', '</ul', '</li', '</ul', '</li'],
        ...['<li', '</li', '</ul', '<ol', '<li', '</li', '<li', '</li', '</ol'],
      ]);
      expect(html).toContain('two a i');
    });

    it('counts a numbered list from the number it was typed with, as the Word report and spreadsheet do', () => {
      expect(renderNarrative('Steps taken:\n\n3.\tThird item\n4.\tFourth item')).toBe(
        '<p>Steps taken:</p>\n<ol start="3">\n<li>Third item</li>\n<li>Fourth item</li>\n</ol>',
      );
      expect(renderNarrative('1. first')).toBe('<ol>\n<li>first</li>\n</ol>');
    });

    it('keeps http, https and mailto links, opening nothing behind the reader', () => {
      expect(renderNarrative('[plan](https://www.sevenoaks.gov.uk/plan) and [old](http://example.org)')).toBe(
        '<p><a href="https://www.sevenoaks.gov.uk/plan" rel="noopener noreferrer">plan</a> and ' +
          '<a href="http://example.org" rel="noopener noreferrer">old</a></p>',
      );
      expect(renderNarrative('[write to us](mailto:csu@sevenoaks.gov.uk)')).toBe(
        '<p><a href="mailto:csu@sevenoaks.gov.uk" rel="noopener noreferrer">write to us</a></p>',
      );
    });
  });

  describe('nasty inputs', () => {
    it.each([
      ['a script block', '<script>alert(1)</script>'],
      ['a script inline', 'Hello <script>alert(1)</script> there'],
      ['an image with onerror', '<img src=x onerror=alert(1)>'],
      ['an svg with onload', '<svg onload=alert(1)></svg>'],
      ['an iframe', '<iframe src="https://evil.example"></iframe>'],
      ['a raw link with onclick', '<a href="https://e.org" onclick="steal()">y</a>'],
      ['a style block', '<style>body{display:none}</style>'],
      ['an html comment', '<!-- <script>alert(1)</script> -->'],
      ['a broken tag', '<scr<script>ipt>alert(1)</script>'],
      ['html inside a list item', '- <b onmouseover="x()">bold</b>'],
    ])('escapes %s, so it shows as text and never runs', (_what, input) => {
      const html = renderNarrative(input);
      expect(tags(html).filter((t) => !/^<\/?(p|ul|li)$/.test(t))).toEqual([]);
      expect(html).not.toMatch(/<(script|img|svg|iframe|style|b )/i);
      expect(html).toContain('&lt;');
    });

    it.each([
      ['javascript:', '[x](javascript:alert(1))'],
      ['JavaScript: in odd case', '[x](JaVaScRiPt:alert(1))'],
      ['javascript: written with an entity', '[x](javascript&#58;alert(1))'],
      ['javascript: after spaces', '[x](<  javascript:alert(1)>)'],
      ['javascript: with a tab inside', '[x](java\tscript:alert(1))'],
      ['data:', '[x](data:text/html;base64,PHNjcmlwdD4=)'],
      ['vbscript:', '[x](vbscript:msgbox(1))'],
      ['another host without a scheme', '[x](//evil.example/a)'],
      ['a relative path', '[x](/admin)'],
      ['javascript: by reference', '[x][1]\n\n[1]: javascript:alert(1)'],
    ])('drops a link to %s and keeps its words', (_what, input) => {
      const html = renderNarrative(input);
      expect(html).not.toContain('<a');
      expect(html).not.toMatch(/javascript|vbscript|data:/i);
      expect(html).toContain('x');
    });

    it('keeps only the href of a link: no title, no target, no event handlers', () => {
      expect(renderNarrative('[x](https://example.org "a title")')).toBe(
        '<p><a href="https://example.org" rel="noopener noreferrer">x</a></p>',
      );
    });

    it('prints a line starting with # as typed (no headings) and images as their alt text', () => {
      // "#" is "number" to a lead: "# of referrals: 12" lost its "#" as a heading.
      expect(renderNarrative('# of referrals: 12\n\n### Smaller')).toBe(
        '<p># of referrals: 12</p>\n<p>### Smaller</p>',
      );
      expect(renderNarrative('Referrals:\n# of referrals: 12\n## 2')).toBe(
        '<p>Referrals:<br /># of referrals: 12<br />## 2</p>',
      );
      expect(renderNarrative('![Stag Theatre](https://example.org/stag.png)')).toBe('<p>Stag Theatre</p>');
      expect(renderNarrative('![<img src=x onerror=alert(1)>](x.png)')).not.toContain('<img');
    });

    it('keeps the words of other Markdown (quotes, code, tables) without their markup', () => {
      const html = renderNarrative('> quoted\n\n`code <b>`\n\n| a | b |\n|---|---|\n| 1 | 2 |');
      expect(tags(html).filter((t) => !/^<(\/?p|br)$/.test(t))).toEqual([]);
      expect(html).toContain('quoted');
      expect(html).toContain('code &lt;b&gt;');
    });

    it('prints a table typed in Markdown as a paragraph, a row a line, as the spreadsheet does', () => {
      expect(renderNarrative('Figures:\n\n| District | NEET |\n|---|---|\n| Sevenoaks | **2.7%** |')).toBe(
        '<p>Figures:</p>\n<p>District | NEET<br />Sevenoaks | <strong>2.7%</strong></p>',
      );
    });

    it('answers empty text with nothing', () => {
      expect(renderNarrative('')).toBe('');
      expect(renderNarrative('   \n\n ')).toBe('');
    });
  });

  /**
   * The narratives of S2 and C1 in the Sevenoaks 2019/20 monitoring report (seeds/), written in Markdown the
   * way an agency lead types them: both have a bullet list with a sub-list under one item.
   */
  describe('the nested bullet lists of the Sevenoaks report', () => {
    const S2 = [
      '- intervention by partner agencies when a number of reports have come in through the Community Safety Unit (CSU) Daily Tasking meetings relating to specific areas or to vulnerable people.',
      '- Inviting all primary schools in the District to the Stag Theatre in Sevenoaks for a free performance and workshop around internet safety as part of National Internet Safety Day.',
      '- The district remains the second lowest in Kent for overall levels of recorded crime. There has been a slight increase of Victim Based Crimes compared to same period last year. There were 7769 reports, an increase of 24. Part of the success is the continued work of the Community MARAC process. (Multi-Agency Risk Assessment Conference) is designed to address medium and high risk victims, offenders and problem locations. This year the group have issued:',
      '  - 42 Anti-Social Behaviour (ASB) Warning Letters,',
      '  - 32 Acceptable Behaviour Agreements (ABA)',
      '  - 11 ABA breach letters',
    ].join('\n');
    const C1 = [
      '- During 2019/20, Sevenoaks District Council issued grants to support people living independently at home as follows:',
      '  - Disabled Facilities Grants completed - 81: totalling £758,817.95 of assistance',
      '  - Hospital Discharge Grant completed - 6: totalling £4,193 of assistance, including 3 deep property cleans',
      '  - Safe and Secure Grants completed - 12: totalling £8,327.13 of assistance including repairing a broken stair lift and replacing a boiler.',
    ].join('\n');

    it('keeps the S2 sub-list of letters issued inside its item', () => {
      const html = renderNarrative(S2);
      const nested =
        /<li>The district remains[^<]*?have issued:<ul>\n((?:<li>[^<]*<\/li>\n)+)<\/ul>\n<\/li>/.exec(html);
      expect(nested).not.toBeNull();
      expect([...nested![1].matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1])).toEqual([
        '42 Anti-Social Behaviour (ASB) Warning Letters,',
        '32 Acceptable Behaviour Agreements (ABA)',
        '11 ABA breach letters',
      ]);
      expect(tags(html).filter((t) => t === '<ul')).toHaveLength(2);
      expect(tags(html).filter((t) => t === '<li')).toHaveLength(6);
    });

    it('prints the S2 list pasted from Word (a bullet and a tab on each line, "o" a level in) as the same list', () => {
      // What a textarea gets when the lead copies S2's list from their Word document, CRLF and all.
      const pasted = [
        'This year the group have issued:',
        '•\tWarning letters, agreements and breach letters:',
        'o\t42 Anti-Social Behaviour (ASB) Warning Letters,',
        'o\t32 Acceptable Behaviour Agreements (ABA)',
        '§\t11 of them in Swanley',
        '\uf0b7\tInviting all primary schools to the Stag Theatre',
      ].join('\r\n');
      const html = renderNarrative(pasted);
      expect(tags(html)).toEqual([
        ...['<p', '</p', '<ul', '<li', '<ul', '<li', '</li', '<li', '<ul', '<li', '</li', '</ul', '</li'],
        ...['</ul', '</li', '<li', '</li', '</ul'],
      ]);
      expect(html).toContain('<li>42 Anti-Social Behaviour (ASB) Warning Letters,</li>');
      expect(html).not.toMatch(/•|\uf0b7|\t|>o |§/);
    });

    it('leaves an o, a section sign or a bullet inside a sentence as the words they are', () => {
      const text = 'o dear, the figures\n§ 12 of the Act applies\nPriority • one';
      expect(renderNarrative(text)).toBe(
        '<p>o dear, the figures<br />§ 12 of the Act applies<br />Priority • one</p>',
      );
    });

    it('keeps the C1 sub-list of grants inside its item', () => {
      const html = renderNarrative(C1);
      expect(html).toMatch(
        /^<ul>\n<li>During 2019\/20, [^<]*as follows:<ul>\n<li>Disabled Facilities Grants/,
      );
      expect(html).toContain('<li>Safe and Secure Grants completed - 12: totalling £8,327.13');
      expect(tags(html)).toEqual([
        ...['<ul', '<li', '<ul', '<li', '</li', '<li', '</li', '<li', '</li', '</ul', '</li', '</ul'],
      ]);
    });
  });
});
