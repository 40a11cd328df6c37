import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml } from '../../../mail/src/templates/escape-html.js';

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

// Raw HTML typed into a narrative is shown as the text it is, never run: escaping it here means nothing an
// agency lead writes is silently lost, and the sanitiser below is a second wall, not the only one.
const markdown = new Marked({
  gfm: true,
  // People type narratives in a text box: a single new line there is a line break, as they meant it.
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    // Headings and images are outside the subset: a heading keeps its words as a paragraph, an image its alt
    // text, so the meaning survives without the markup.
    heading({ tokens }) {
      return `<p>${this.parser.parseInline(tokens)}</p>\n`;
    },
    image: ({ text }) => escapeHtml(text),
  },
});

const SUBSET: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'ul', 'ol', 'li', 'strong', 'em', 'a', 'br'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Tags outside the subset go, their words stay (a blockquote's text, a table's cells)...
  disallowedTagsMode: 'discard',
  // ...except where the words themselves are code or styling.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
  transformTags: {
    // A link must go to the web or to a mailbox; anything else (javascript:, data:, relative paths) loses the
    // link and keeps its words.
    a: (tagName, attribs): sanitizeHtml.Tag =>
      SAFE_SCHEMES.has(schemeOf(attribs.href ?? ''))
        ? { tagName, attribs: { href: attribs.href, rel: 'noopener noreferrer' } }
        : { tagName: 'span', attribs: {} },
  },
};

/**
 * A return's narrative, written in a small Markdown subset (paragraphs, bullet lists nested to any depth,
 * ordered lists, bold, italic, links to http, https and mailto, line breaks), as HTML that is safe to put in
 * a page or the report. Everything else is escaped or stripped.
 */
export function renderNarrative(narrative: string): string {
  const html = markdown.parse(narrative, { async: false });
  return sanitizeHtml(html, SUBSET).trim();
}

/** The scheme a browser would follow: the URL parser drops the spaces, tabs and control characters it would. */
function schemeOf(href: string): string {
  return URL.canParse(href) ? new URL(href).protocol : '';
}
