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
  return narrative
    .split(/\r?\n/)
    .map((line) => {
      const bullet = WORD_BULLET_LINE.exec(line);
      const level = bullet ? LEVELS[bullet[1]] : undefined;
      if (!bullet || level === undefined || (bullet[2] !== '\t' && !bullet[1].match(SHAPES))) {
        previous = -1;
        return line;
      }
      previous = Math.min(level, previous + 1);
      return `${'  '.repeat(previous)}- ${bullet[3]}`;
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
const WORD_BULLET = /^[ \t]*[•●·◦○▪■o§\uf0b7\uf0a7][ \t]/mu;
/**
 * A bullet line: its bullet, the first character after it (a tab, or a space), and its text. One character, not
 * `(\t|[ ]+)` then `[ \t]*`: two runs of spaces in a row can split a line of spaces every way there is, and a bullet
 * followed by 20,000 spaces took 1.3 s to read, in each format.
 */
const WORD_BULLET_LINE = /^[ \t]*([•●·◦○▪■o§\uf0b7\uf0a7])([\t ])[ \t]*(\S.*)$/u;
