import { Marked, Token, Tokens } from 'marked';
import { decodeEntities, OFFICERS_MARKDOWN, officersSource } from '../../../returns/src/index.js';

// Read as every format reads a narrative (OFFICERS_MARKDOWN: no code blocks by indent, no headings).
const lexer = new Marked({ gfm: true, breaks: true }, OFFICERS_MARKDOWN);

/**
 * A narrative as plain text for spreadsheets and CSV: paragraphs separated by a blank line, bullets as "•"
 * (nested ones indented, ordered ones numbered) as the seed prints them, emphasis dropped, links as
 * "words (address)". Markup never reaches a cell, so nothing in a cell is ever read as HTML.
 */
export function narrativeText(markdown: string | null | undefined): string {
  if (!markdown) return '';
  try {
    return blocks(lexer.lexer(officersSource(markdown)), '')
      .join('\n\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } catch {
    // Nesting thousands deep exhausts the parser's stack (see renderNarrative): the text as typed, then.
    return markdown.trim();
  }
}

function blocks(tokens: Token[], indent: string): string[] {
  return tokens.flatMap((token): string[] => {
    switch (token.type) {
      case 'space':
      case 'hr':
        return [];
      case 'list':
        return [list(token as Tokens.List, indent)];
      case 'code':
        return [(token as Tokens.Code).text];
      case 'paragraph':
      case 'text':
        return [inline((token as Tokens.Text).tokens ?? [], (token as Tokens.Text).text)];
      case 'blockquote':
        return blocks((token as Tokens.Blockquote).tokens, indent);
      case 'table': {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => inline(c.tokens, c.text)).join(' | ');
        return [[row(table.header), ...table.rows.map(row)].join('\n')];
      }
      default:
        return ['raw' in token ? String(token.raw).trim() : ''];
    }
  });
}

/** A list, each item's marker at `indent`; the rest of the item, and a list inside it, under the item's text. */
function list(token: Tokens.List, indent: string): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  return token.items
    .map((item, i) => {
      const marker = token.ordered ? `${start + i}.` : '•';
      // Every line of the item after its first (a line break, its second paragraph) starts under its text, as
      // a word processor hangs it: at the margin it read as a paragraph after the list.
      const under = `${indent}${' '.repeat(marker.length + 1)}`;
      const lines = item.tokens.flatMap((child) =>
        child.type === 'list'
          ? [list(child as Tokens.List, under)]
          : blocks([child], '').flatMap((text) => text.split('\n').map((line) => `${under}${line}`)),
      );
      const [first = under, ...rest] = lines;
      return [`${indent}${marker} ${first.slice(under.length)}`, ...rest].join('\n');
    })
    .join('\n');
}

function inline(tokens: Token[], fallback: string): string {
  if (tokens.length === 0) return decodeEntities(fallback);
  return tokens
    .map((token): string => {
      switch (token.type) {
        case 'br':
          return '\n';
        case 'link': {
          const link = token as Tokens.Link;
          const words = inline(link.tokens ?? [], link.text);
          const address = printedAddress(link);
          return words === address ? words : `${words} (${address})`;
        }
        case 'image':
          return (token as Tokens.Image).text;
        case 'html':
          return (token as Tokens.HTML).raw;
        // A code span and an escaped sign are printed as typed, as the page prints them; text comes with its
        // entities decoded (OFFICERS_MARKDOWN).
        default:
          return 'tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0
            ? inline(token.tokens as Token[], '')
            : 'text' in token
              ? String(token.text)
              : String(token.raw);
      }
    })
    .join('');
}

/**
 * A link's address as every format prints it after its words, as the page does in print: a mail address without
 * "mailto:" ("info@sevenoaks.gov.uk" typed was printed "info@sevenoaks.gov.uk (mailto:info@sevenoaks.gov.uk)"),
 * and a Markdown link's entities decoded, as the browser reads its href (`?a=1&amp;b=2` is `?a=1&b=2`).
 */
export function printedAddress(link: Tokens.Link): string {
  const href = link.raw.startsWith('[') ? decodeEntities(link.href) : link.href;
  return href.startsWith('mailto:') ? href.slice('mailto:'.length) : href;
}
