/**
 * A list pasted from Word into a text box arrives as lines that start with the bullet Word drew and a tab:
 * "•\tAttending community events", then "o\t" for a bullet inside it and "§\t" (or "▪") one level further in.
 * Read as Markdown, those lines were one paragraph of bullet characters, tabs and a letter o: the report
 * printed them so, and the Word report had no list for an officer to edit (they are how the seed's own "•"
 * came to be). Each such line is read as the Markdown bullet it stands for, at its level, so every format
 * prints the list a lead meant. What is stored stays as the lead typed it.
 *
 * Bullets drawn as shapes ("•", "●", "▪" and the like) are read followed by a tab or spaces; "o" and "§",
 * which are also letters and signs, only followed by a tab, as Word writes them. A line is never put deeper
 * than one level below the line before it, so a list pasted from its second level still reads as a list.
 */
export function bulletsFromWord(narrative: string): string {
  if (!WORD_BULLET.test(narrative)) return narrative;
  let previous = -1;
  // The indent of the list the line is in (its first item's), while one goes on; null outside any list.
  let margin: number | null = null;
  return narrative
    .split(/\r?\n/)
    .map((line) => {
      const bullet = WORD_BULLET_LINE.exec(line);
      const level = bullet ? LEVELS[bullet[2]] : undefined;
      if (!bullet || level === undefined || (bullet[3] !== '\t' && !bullet[2].match(SHAPES))) {
        previous = -1;
        const item = MARKDOWN_ITEM.exec(line);
        if (item) margin ??= item[1].length;
        else if (/^\S/.test(line)) margin = null;
        return line;
      }
      margin ??= bullet[1].length;
      previous = Math.min(level, previous + 1);
      // A bullet indented under the text of the item above is nested in it, as the report's own spreadsheet
      // and CSV write a nested item ("• Letters issued:" then "  • 42 warning letters", "   • " under "2. "):
      // read by its bullet alone it stood at the margin, so a past year recorded from the report's spreadsheet
      // printed its sub-bullets as bullets of their own. Only the indent beyond the list's own counts: a whole
      // list indented (a tab before each bullet) is still a list at the margin.
      const byLevel = '  '.repeat(previous);
      const under = bullet[1].slice(margin);
      return `${under.length > byLevel.length ? under : byLevel}- ${bullet[4]}`;
    })
    .join('\n');
}

/** The level each bullet Word draws stands for, from its default bullets for the first three levels. */
const LEVELS: Record<string, number> = {
  '•': 0,
  '●': 0,
  '·': 0,
  '\uf0b7': 0, // Word's Symbol-font bullet, when the font is not carried over
  o: 1,
  '◦': 1,
  '○': 1,
  '§': 2,
  '▪': 2,
  '■': 2,
  '\uf0a7': 2, // Word's Wingdings square, likewise
};
/** Bullets that are nothing but bullets: read with spaces after them too. */
const SHAPES = /^[•●·◦○▪■\uf0b7\uf0a7]$/u;
/** A list item typed in Markdown ("- ", "* ", "+ ", "2. ", "2) "), with its indent. */
const MARKDOWN_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]/;
const WORD_BULLET = /^[ \t]*[•●·◦○▪■o§\uf0b7\uf0a7][ \t]/mu;
/**
 * A bullet line: its indent, its bullet, the first character after it (a tab, or a space), and its text. One character, not
 * `(\t|[ ]+)` then `[ \t]*`: two runs of spaces in a row can split a line of spaces every way there is, and a bullet
 * followed by 20,000 spaces took 1.3 s to read, in each format.
 */
const WORD_BULLET_LINE = /^([ \t]*)([•●·◦○▪■o§\uf0b7\uf0a7])([\t ])[ \t]*(\S.*)$/u;
