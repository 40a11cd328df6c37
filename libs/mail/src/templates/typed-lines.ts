import { escapeHtml } from './escape-html.js';

/** A text someone typed (a reviewer's reason, a message), a line a line, whichever line endings it came with. */
const linesOf = (text: string) => text.split(/\r\n|\r|\n/).map((line) => line.trimEnd());

/** In a mail's text, each line indented as a quote is (an unindented one would read as the mail's own). */
export const typedLinesText = (text: string, indent: string): string[] =>
  linesOf(text).map((line) => (line ? `${indent}${line}` : ''));

/**
 * In a mail's HTML, escaped, its lines broken with <br>: a mail program that does not honour `white-space:
 * pre-wrap` ran a reason's lines together into one, and a digest's table cell had no such style at all.
 */
export const typedLinesHtml = (text: string): string => linesOf(text).map(escapeHtml).join('<br>');
