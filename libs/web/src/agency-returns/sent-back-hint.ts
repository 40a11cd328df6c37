import { escapeHtml } from '../../../mail/src/index.js';
import { textLines } from '../text-lines.js';

/** How much of a reviewer's reason the task list shows under its return; the return shows all of it. */
const SHOWN = { characters: 240, lines: 4 };

/**
 * A reviewer's reason as the task list shows it under the return sent back: its lines as typed (blank ones
 * left out, as it is a hint), the whole of it when short, else its start cut after a word with "…".
 */
export function shortReason(reason: string): { lines: string[]; shortened: boolean } {
  const lines: string[] = [];
  let left = SHOWN.characters;
  for (const line of textLines(reason).filter((typed) => typed !== '')) {
    if (lines.length === SHOWN.lines || left === 0) {
      // What is shown ends at a line: the rest is left out after it.
      lines[lines.length - 1] += ' …';
      return { lines, shortened: true };
    }
    // Characters, not UTF-16 units: an emoji is not cut in two.
    const characters = [...line];
    if (characters.length <= left) {
      lines.push(line);
      left -= characters.length;
      continue;
    }
    const cut = characters.slice(0, left).join('');
    // After the last whole word, when there is one; a single long word is cut where the room ends.
    const lastSpace = cut.search(/\s\S*$/);
    lines.push(`${(lastSpace > 0 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`);
    return { lines, shortened: true };
  }
  return { lines, shortened: false };
}

/**
 * The task list's hint for a return: when it is due and, for one sent back, who sent it back and when, and the
 * reviewer's reason, escaped, its lines kept: the lead saw only "sent back for changes" and had to open each
 * return to learn what to change.
 */
export function taskHintHtml(
  due: string,
  sentBackReason: string | null,
  by: { who: string; when: string } | null = null,
): string {
  if (!sentBackReason?.trim()) return escapeHtml(due);
  const { lines } = shortReason(sentBackReason);
  const asked = by ? `${by.who} asked for changes, ${by.when}` : 'The reviewer asked for changes';
  return (
    `${escapeHtml(due)}<span class="govuk-!-display-block govuk-!-margin-top-1 app-break-words">` +
    `${escapeHtml(asked)}: ${lines.map(escapeHtml).join('<br>')}</span>`
  );
}
