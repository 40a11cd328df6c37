import { Marked, Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../../../mail/src/index.js';
import { OFFICERS_MARKDOWN, officersSource } from './officers-markdown.js';
import { remembered, textBytes } from './rendered-narratives.js';

const SCHEMES = ['http', 'https', 'mailto'];
const SAFE_SCHEMES = new Set(SCHEMES.map((s) => `${s}:`));

// Raw HTML typed into a narrative is shown as the text it is, never run: escaping it here means nothing an
// agency lead writes is silently lost, and the sanitiser below is a second wall, not the only one.
const markdown = new Marked(
  {
    gfm: true,
    // People type narratives in a text box: a single new line there is a line break, as they meant it.
    breaks: true,
    renderer: {
      html: ({ text }) => escapeHtml(text),
      // Text comes with its entities decoded (OFFICERS_MARKDOWN): every "&" in it is one typed as such, and
      // Marked's own escaping left "&pound;" (typed `&amp;pound;`) for the browser to read as "£".
      text(token) {
        if ('tokens' in token && token.tokens) return this.parser.parseInline(token.tokens);
        return 'escaped' in token && token.escaped ? token.text : escapeHtml(token.text);
      },
      // Images are outside the subset: an image keeps its alt text, so the meaning survives without the markup.
      // (A line starting `#` is no heading: OFFICERS_MARKDOWN reads it as a line of its paragraph, `#` kept.)
      image: ({ text }) => escapeHtml(text),
      // A table typed in Markdown is outside the subset too: its cells' tags went and their words were left
      // outside any paragraph, run together ("District NEET Sevenoaks 2.7%"). A row a line, its cells apart
      // by " | ", as the spreadsheet prints it.
      table({ header, rows }) {
        const row = (cells: Tokens.TableCell[]) =>
          cells.map((cell) => this.parser.parseInline(cell.tokens)).join(' | ');
        return `<p>${[row(header), ...rows.map(row)].join('<br />')}</p>\n`;
      },
    },
  },
  OFFICERS_MARKDOWN,
);

/**
 * The sanitiser walks the parsed tree and writes every element it keeps with its own end tag, so what comes
 * out is well formed whatever went in. It never renames a tag: sanitize-html 2.18 forgets to clear a renamed
 * tag that it then discards, and the next element closed at the same depth got the wrong end tag (a link
 * refused, then one allowed, gave `<a href=...>...</span>`, an anchor that swallowed the rest of the page).
 */
const SUBSET: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'ul', 'ol', 'li', 'strong', 'em', 'a', 'br'],
  // A numbered list keeps the number it was typed from ("3.\tThird", a list from Word continued after a
  // paragraph), as the Word report and the spreadsheet count it. Only the Markdown writes it: typed HTML is
  // escaped above.
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  // A link must go to the web or to a mailbox: any other scheme (javascript:, data:, vbscript:) loses its href
  // here, and `//host` with it...
  allowedSchemes: SCHEMES,
  allowedSchemesByTag: { a: SCHEMES },
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
  // ...and a link left without an absolute address of those schemes (relative paths too) loses its tag and
  // keeps its words.
  exclusiveFilter: (frame) => (frame.tag === 'a' && !isSafeHref(frame.attribs.href) ? 'excludeTag' : false),
  // Tags outside the subset go, their words stay (a blockquote's text, a table's cells)...
  disallowedTagsMode: 'discard',
  // ...except where the words themselves are code or styling.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  // Lists nested deeper than anyone writes keep their words, not their depth.
  nestingLimit: 40,
};

/**
 * A return's narrative, written in a small Markdown subset (paragraphs, bullet lists nested to any depth,
 * ordered lists, bold, italic, links to http, https and mailto, line breaks), as HTML that is safe to put in
 * a page or the report. Everything else is escaped or stripped.
 */
export function renderNarrative(narrative: string): string {
  // Stored returns are read as they are, and the log has held other things where a narrative belongs.
  if (typeof narrative !== 'string') return '';
  return renderedNarratives(narrative);
}

/**
 * Every page and report renders through this: the same text once while it is read (see remembered). 32 MB of
 * HTML is a dozen of the largest returns a lead may send.
 */
export const renderedNarratives = remembered(
  (narrative) => sanitizeHtml(markup(narrative), SUBSET).trim(),
  32 * 1024 * 1024,
  textBytes,
);

/**
 * The Markdown parser recurses once per level of nesting: thousands of nested quotes, list markers or emphasis
 * signs exhaust the stack, and more than MARKDOWN_NESTING_LIMIT on one line are refused before parsing
 * (officersSource). Such a narrative is shown as the plain text it is, in paragraphs, rather than not at all (or
 * as a failed page).
 */
function markup(narrative: string): string {
  try {
    return markdown.parse(officersSource(narrative), { async: false });
  } catch {
    return narrative
      .split(/\n\s*\n/)
      .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\r?\n/g, '<br />')}</p>`)
      .join('\n');
  }
}

/** An absolute address a browser would follow to the web or a mailbox (the URL parser drops the spaces, tabs and control characters it would). */
function isSafeHref(href: string | undefined): boolean {
  return href !== undefined && URL.canParse(href) && SAFE_SCHEMES.has(new URL(href).protocol);
}
