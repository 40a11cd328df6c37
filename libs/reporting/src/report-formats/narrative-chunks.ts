import { Marked, Token, Tokens } from 'marked';
import { OFFICERS_MARKDOWN, officersSource, remembered, textBytes } from '../../../returns/src/index.js';

// Read as every format reads a narrative (OFFICERS_MARKDOWN: no code blocks by indent, no headings).
const lexer = new Marked({ gfm: true, breaks: true }, OFFICERS_MARKDOWN);

/** About a third of a printed page of the progress column, landscape or portrait (see printed rows). */
export const PRINT_CHUNK = 1500;

/**
 * A narrative cut into pieces of Markdown at its top-level blocks (paragraphs, and the items of a list), each
 * about `size` characters or one block if longer. A printed measure row cannot carry its Ref and RAG onto the
 * next page, so a long narrative is printed as several rows, each short enough to start on a page of its own
 * and each with the Ref and RAG. A short narrative, or one that cannot be parsed, is one piece.
 */
export function narrativeChunks(markdown: string, size = PRINT_CHUNK): readonly string[] {
  if (markdown.length <= size) return [markdown];
  return size === PRINT_CHUNK ? printChunks(markdown) : chunks(markdown, size);
}

/**
 * The printed pieces of each long narrative, kept as its HTML is (see renderNarrative): cutting one means lexing
 * it whole, which is most of rendering it, on each PDF (twice: the first print tells the pages), and a return's
 * narrative may be 50,000 characters of emphasis. Frozen: every PDF reads the same list.
 */
const printChunks = remembered(
  (markdown) => Object.freeze(chunks(markdown, PRINT_CHUNK)),
  16 * 1024 * 1024,
  (pieces) => pieces.reduce((bytes, piece) => bytes + textBytes(piece), 0),
);

function chunks(markdown: string, size: number): string[] {
  let tokens: Token[];
  try {
    tokens = lexer.lexer(officersSource(markdown));
  } catch {
    return [markdown];
  }
  // A bulleted list can be cut between its items. A numbered one stays whole, so it prints as one list.
  const blocks = tokens.flatMap((t) =>
    t.type === 'list' && !(t as Tokens.List).ordered
      ? (t as Tokens.List).items.map((i) => ({ raw: i.raw.trimEnd(), item: true }))
      : t.type === 'space'
        ? []
        : [{ raw: t.raw.trimEnd(), item: false }],
  );
  const chunks: string[] = [];
  let current = '';
  let lastWasItem = false;
  for (const block of blocks) {
    if (current !== '' && current.length + block.raw.length > size) {
      chunks.push(current);
      current = '';
    }
    // Items of one list stay one (tight) list; anything else is its own block, a blank line apart.
    if (current !== '') current += block.item && lastWasItem ? '\n' : '\n\n';
    current += block.raw;
    lastWasItem = block.item;
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks.length ? chunks : [markdown];
}
