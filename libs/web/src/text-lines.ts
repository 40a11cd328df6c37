/**
 * A text someone typed on several lines (a reviewer's reason, a coordinator's), as the lines they typed: CRLF
 * from a web form and LF from the API alike, trailing spaces dropped, and a run of blank lines kept as one
 * blank line (a paragraph break) but none at the start or end. Pages show it escaped, a line a line: HTML
 * would otherwise run the lines together.
 */
export function textLines(text: string | null | undefined): string[] {
  const lines: string[] = [];
  for (const raw of (text ?? '').split(/\r\n|\r|\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '' && (lines.length === 0 || lines.at(-1) === '')) continue;
    lines.push(line.trim() === '' ? '' : line);
  }
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
