import type { MarkedExtension, Tokens } from 'marked';

/**
 * The Markdown an officer writes, as every format reads it (the page and PDF through renderNarrative, the Word
 * report, the spreadsheet's plain text): three rules of Markdown that an officer does not mean are left out.
 * Officers paste from Word, where a paragraph is often indented, and type a line of dashes to set one part off.
 *
 * - A paragraph indented four spaces (or a tab) is a paragraph, not a code block: it lost its paragraph (the
 *   code block's tags are outside the subset) and kept its indent in the Word report. Its lines' indents go.
 * - A line of text with `---` or `===` under it is not a heading: the dashes vanished. The text stays a
 *   paragraph, and the `===` a line of it.
 * - A line of only `---`, `***` or `___` is the text typed, as a paragraph of its own: a rule was dropped by
 *   the sanitiser, and the report's formats had none.
 * - Lines fenced by ``` or ~~~ are a paragraph of those lines: a code block's tags are outside the subset, so its
 *   text stood outside any paragraph. The fences themselves are not printed.
 */
export const OFFICERS_MARKDOWN: MarkedExtension = {
  tokenizer: {
    // Not matched here, so read by the paragraph rule below.
    code: () => undefined,
    lheading: () => undefined,
    paragraph(src) {
      const cap = this.rules.block.paragraph.exec(src);
      if (!cap) return undefined;
      const raw = cap[1];
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
