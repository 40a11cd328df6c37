import { Tokenizer, type MarkedExtension, type Token, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { bulletsFromWord } from './bullets-from-word.js';

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
 * - A `*` between two letters or digits is the star typed, not emphasis: "2*3*4" printed a 3 in italics, and a
 *   footnote star ("Total*s") started one. Markdown already reads `_` so; `*` before a space or a sign still
 *   opens and closes emphasis.
 * - A task list's box (`- [ ] item`, `- [x] item`) is a character of the item's text, "☐" or "☑": the page's
 *   checkbox was dropped by the sanitiser, and the Word report and the spreadsheet had none.
 * - An HTML entity typed as text (`&pound;`, `&amp;`, `&nbsp;`) is the character it names, in the tokens every
 *   format reads: the page showed "£" (the browser decodes it) while the Word report and the spreadsheet showed
 *   "&pound;". An officer who types one, or pastes it from a web page's source, means the character.
 * - An address typed bare (`priya@kent.gov.uk`) is still a mailto link, but only its last 64 characters before
 *   the `@` are looked at, and at most 64 spaces before a line break (see boundedRuns): an attacker's narrative
 *   could otherwise hold the api's thread.
 */
export const OFFICERS_MARKDOWN: MarkedExtension = {
  hooks: {
    // The lexer looks for emphasis's closing stars in this copy of the text: an intraword star is hidden from it.
    emStrongMask: (src) => src.replace(INTRAWORD_STARS, (stars) => 'a'.repeat(stars.length)),
  },
  tokenizer: {
    url(src) {
      return Tokenizer.prototype.url.call(boundedRuns(this), src);
    },
    // ...and an intraword star opens nothing: it is read as text.
    emStrong(src, maskedSrc, prevChar) {
      if (src[0] === '*' && maskedSrc[maskedSrc.length - src.length] !== '*') return undefined;
      return Tokenizer.prototype.emStrong.call(this, src, maskedSrc, prevChar);
    },
    inlineText(src) {
      const token = Tokenizer.prototype.inlineText.call(boundedRuns(this), src);
      // Raw HTML's text is escaped as it is (renderNarrative); every other text is the characters typed. Marked
      // decodes only numbered entities, and then writes every other "&" as "&amp;": read from what was typed.
      if (token && !token.escaped) token.text = decodeEntities(token.raw);
      return token;
    },
    list(src) {
      const list = Tokenizer.prototype.list.call(this, src);
      for (const item of list?.items ?? []) if (item.task) boxAsText(item);
      return list;
    },
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
      // Blank lines in a row are one: each line break asks whether only white space follows (see BLANK_TO_SEE).
      const text = withoutTrailingLineFeeds(
        (cap[3] ?? '').replace(/^[ \t]+/gm, '').replace(/\n{3,}/g, '\n\n'),
      );
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

/**
 * The text without the line feeds it ends with. Not `/\n+$/`: a regex tries that from every line feed, each time
 * to the end of its run, and a fenced block of 40,000 blank lines then took 2.6 s to read, in each format.
 */
function withoutTrailingLineFeeds(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\n') end--;
  return text.slice(0, end);
}

/** More quotes and list markers at the start of one line than this, and a narrative is not read as Markdown. */
export const MARKDOWN_NESTING_LIMIT = 40;

/** A line starting with more than the limit of `>`, `-`, `*`, `+` or `1.` markers, each nesting the next. */
const NESTED_TOO_DEEP = new RegExp(
  `^(?:[ \\t]*(?:>|(?:[-*+]|\\d{1,9}[.)])(?=[ \\t]))){${MARKDOWN_NESTING_LIMIT + 1}}`,
  'm',
);

/**
 * A narrative as every format hands it to the Markdown parser: Word's bullets read as Markdown's
 * (bulletsFromWord), and a RangeError, which each format already takes for "show the text as typed", for a
 * narrative nested deeper than anyone writes. The parser reads the rest of a line once for every quote or list
 * it opens: 16,666 list markers on one line (50,000 characters) held the api's thread 1 to 2 s in each format
 * before the parser's stack ran out, and a case study's sections are a hundred chances.
 */
export function officersSource(narrative: string): string {
  if (NESTED_TOO_DEEP.test(narrative)) {
    throw new RangeError(`nested more than ${MARKDOWN_NESTING_LIMIT} deep on one line`);
  }
  return bulletsFromWord(narrative).replace(BLANK_TO_SEE, '');
}

/** Stars with a letter or digit on each side: "2*3*4", "Total*s". */
const INTRAWORD_STARS = /(?<=[\p{L}\p{N}])\*+(?=[\p{L}\p{N}])/gu;

/**
 * The item's box as the first characters of its text. Marked gives a tight item's box as a token before its text
 * and a loose one's as the first of its paragraph's tokens; a reader that does not know the box printed nothing.
 */
function boxAsText(item: Tokens.ListItem): void {
  const box = item.checked ? '☑ ' : '☐ ';
  const isBox = (token: Token) => token.type === 'checkbox';
  item.tokens = item.tokens.filter((token) => !isBox(token));
  const first = item.tokens.find(
    (token): token is Tokens.Paragraph | Tokens.Text =>
      (token.type === 'paragraph' || token.type === 'text') && Array.isArray(token.tokens),
  );
  const text: Tokens.Text = { type: 'text', raw: '', text: box, escaped: false };
  if (!first) {
    item.tokens.unshift({ type: 'text', raw: '', text: box.trim(), tokens: [{ ...text, text: box.trim() }] });
    return;
  }
  // The lexer fills these tokens later, from the same array: the box stays first.
  const inline = first.tokens!.filter((token) => !isBox(token));
  first.tokens!.splice(0, first.tokens!.length, text, ...inline);
  first.text = box + first.text.replace(/^\[[ xX]\] /, '');
}

/** An entity as HTML spells it: `&pound;`, `&#163;`, `&#xA3;`. */
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;
/**
 * Controls no format prints (a Word or Excel file holding a C0 one is corrupt: xmlCarriable) and the noncharacters:
 * `&#1;` stays as typed. (`&#150;` is Windows' dash, as HTML reads it.)
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
const ESCAPED: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
const decoded = new Map<string, string>();

/**
 * Every entity HTML knows, as a browser reads it (`&pound;` is "£", `&#150;` is "–"), from the HTML parser the
 * sanitiser uses; an entity HTML does not know (`&pond;`) stays as typed, as the browser shows it.
 */
export function decodeEntities(text: string): string {
  return text.includes('&') ? text.replace(ENTITY, decodeEntity) : text;
}

function decodeEntity(entity: string): string {
  let character = decoded.get(entity);
  if (character === undefined) {
    // The parser decodes it; the sanitiser writes the text back with &, <, > and " escaped.
    character = sanitizeHtml(entity, { allowedTags: [], allowedAttributes: {} }).replace(
      /&(?:amp|lt|gt|quot);/g,
      (escaped) => ESCAPED[escaped],
    );
    if (character === '' || UNPRINTABLE.test(character)) character = entity;
    // Numbered entities are many: only so many are kept.
    if (decoded.size < 2048) decoded.set(entity, character);
  }
  return character;
}

/**
 * A line of nothing but spaces the parser does not count as blank (no-break, ideographic...). Such lines are made
 * blank, as they look: Marked asks at every line break of a paragraph whether only white space follows, to its end,
 * and 20,000 lines of a no-break space took 1.5 s to read, in each format.
 */
const BLANK_TO_SEE = /^[^\S\n]+$/gm;

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

/**
 * The tokenizer as it is, but reading bare email addresses with a local part of at most 64 characters, the most an
 * address may have (RFC 5321). Marked's GFM rules look, at every short piece of text and every place a link could
 * start, for a run of address characters followed by `@`, to the end of the run: a narrative that is one long run
 * of them broken up by emphasis signs (`_a_a_a...`, `*a*a...`) was read in time that grows with its length
 * squared. 50,000 characters of `_a` held the api's one thread for 2 to 5 s in each format, and a case study's
 * ninety sections as long again. Likewise the text rule looks, at every character, for spaces then a line break
 * (to leave a hard break's spaces to it): "a", 40,000 spaces and "b" took 1.5 s; it looks through 64 spaces now,
 * and a line's spaces beyond those stay in its text, where no format shows them.
 */
function boundedRuns(tokenizer: Tokenizer): Tokenizer {
  const view = Object.create(tokenizer) as Tokenizer;
  view.rules = boundedRules(tokenizer.rules);
  return view;
}

const BOUNDED = new WeakMap<Tokenizer['rules'], Tokenizer['rules']>();

function boundedRules(rules: Tokenizer['rules']): Tokenizer['rules'] {
  let made = BOUNDED.get(rules);
  if (!made) {
    const { inline } = rules;
    made = { ...rules, inline: { ...inline, url: bounded(inline.url), text: bounded(inline.text) } };
    BOUNDED.set(rules, made);
  }
  return made;
}

/**
 * The rule with each unbounded run of address characters before an `@` (`[...]+@`, `[...]+(@)`), and of spaces
 * before a line break (` *\n`, ` {2,}\n`), bounded to 64.
 */
function bounded(rule: RegExp): RegExp {
  const source = rule.source
    .replace(/\]\+(?=\(?@)/g, ']{1,64}')
    .replaceAll(' *\\n', ' {0,64}\\n')
    .replaceAll(' {2,}\\n', ' {2,64}\\n');
  return new RegExp(source, rule.flags);
}
