import type { MarkedExtension, Tokens } from 'marked';

/**
 * The Markdown an officer writes, as every format reads it (the page and PDF through renderNarrative, the Word
 * report, the spreadsheet's plain text): the rules of Markdown that an officer does not mean are left out.
 * Officers paste from Word, where a paragraph is often indented, type a line of dashes to set one part off, and
 * write "#" for "number": "# of referrals: 12", "## 2".
 *
 * - A paragraph indented four spaces (or a tab) is a paragraph, not a code block: it lost its paragraph (the
 *   code block's tags are outside the subset) and kept its indent in the Word report. Its lines' indents go.
 * - A line of text with `---` or `===` under it is not a heading: the dashes vanished. The text stays a
 *   paragraph, and the `===` a line of it.
 * - A line starting `#` is not a heading: "# of referrals: 12" printed "of referrals: 12" (bold in the Word
 *   report). It is a line like any other, `#` kept, in the paragraph it was typed in. A measure's cell has no
 *   place for a heading, and a case study's section has its own.
 * - A line of only `---`, `***` or `___` is the text typed, as a paragraph of its own: a rule was dropped by
 *   the sanitiser, and the report's formats had none.
 * - Lines fenced by ``` or ~~~ are a paragraph of those lines: a code block's tags are outside the subset, so its
 *   text stood outside any paragraph. The fences themselves are not printed.
 */
export const OFFICERS_MARKDOWN: MarkedExtension = {
  tokenizer: {
    // Not matched here, so read by the paragraph rule below.
    code: () => undefined,
    heading: () => undefined,
    lheading: () => undefined,
    paragraph(src) {
      const raw = paragraphRaw(this.rules.block.paragraph, src);
      if (raw === undefined) return undefined;
      // Every line's indent: the first one's was printed in the Word report and the spreadsheet.
      const text = (raw.endsWith('\n') ? raw.slice(0, -1) : raw).replace(/^[ \t]+/gm, '');
      return { type: 'paragraph', raw, text, tokens: this.lexer.inline(text) } satisfies Tokens.Paragraph;
    },
    // Inside a list item or a quote, a paragraph is read by the text rule: its indent goes too.
    text(src) {
      const cap = this.rules.block.text.exec(src);
      if (!cap) return undefined;
      const text = cap[0].replace(/^[ \t]+/gm, '');
      return { type: 'text', raw: cap[0], text, tokens: this.lexer.inline(text) } satisfies Tokens.Text;
    },
    fences(src) {
      const cap = this.rules.block.fences.exec(src);
      if (!cap) return undefined;
      const text = (cap[3] ?? '').replace(/^[ \t]+/gm, '').replace(/\n+$/, '');
      // Fences around nothing print nothing.
      if (!text.trim()) return { type: 'space', raw: cap[0] } as unknown as Tokens.Code;
      const paragraph: Tokens.Paragraph = {
        type: 'paragraph',
        raw: cap[0],
        text,
        tokens: this.lexer.inline(text),
      };
      return paragraph as unknown as Tokens.Code;
    },
    hr(src) {
      const cap = this.rules.block.hr.exec(src);
      if (!cap) return undefined;
      const text = cap[0].trim();
      // One text token, not the inline rules' reading (`***` is no emphasis). A paragraph where the lexer's type
      // says a rule: every reader of the tokens then prints it as it prints any paragraph.
      const paragraph: Tokens.Paragraph = {
        type: 'paragraph',
        raw: cap[0],
        text,
        tokens: [{ type: 'text', raw: text, text, escaped: false }],
      };
      return paragraph as unknown as Tokens.Hr;
    },
  },
};

/** A line starting as a heading did (up to three spaces, one to six `#`, then a space or its end), after a line. */
const HASH_LINE = /\n {0,3}#{1,6}(?=[ \t\n]|$)[^\n]*/;

/**
 * The paragraph at the start of `src`, read by Markdown's paragraph rule, which stops at a line that starts
 * as a heading. Here such a line is text, so the paragraph goes on over it and over the lines after it, and
 * stops where the rule stops at any other line (a blank line, a list, a quote).
 */
function paragraphRaw(rule: RegExp, src: string): string | undefined {
  let raw = rule.exec(src)?.[1];
  if (raw === undefined) return undefined;
  const here = new RegExp(HASH_LINE.source, 'y');
  const next = new RegExp(HASH_LINE.source, 'g');
  for (here.lastIndex = raw.length; here.test(src); here.lastIndex = raw.length) {
    raw = src.slice(0, here.lastIndex);
    // The rule read after a first line of its own ("x"): what it takes after that line goes on. It stops at the
    // next such line at the latest, so it is given the text up to there: a paragraph of thousands of them is
    // read in one pass, not once per line.
    next.lastIndex = raw.length;
    const end = next.exec(src)?.index ?? src.length;
    raw += rule.exec(`x${src.slice(raw.length, end)}`)![1].slice(1);
  }
  return raw;
}
