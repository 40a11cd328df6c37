/**
 * What a spreadsheet would run as a formula, decided once for every CSV the service writes (the report's, where
 * such a cell gets an apostrophe) or takes in (evidence, where the file is refused).
 *
 * Excel and LibreOffice start a formula at `=`, `+`, `-` or `@`, and read the full-width and small forms of those
 * signs ("＝1+1") and the minus sign (U+2212) as the same. They skip leading spaces, tabs, line breaks and invisible
 * format characters (a byte order mark, a zero-width space) before looking for the sign, so " =cmd", "\t=cmd" and
 * "\uFEFF=cmd" are formulas too.
 */
const FORMULA_SIGNS = '=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20\\uFE66\\uFE62\\uFE63\\uFE6B\\u2212';
/** The characters a spreadsheet passes over before the sign: white space, control and format characters. */
const INVISIBLE = '[\\p{White_Space}\\p{Cc}\\p{Cf}]';

const STARTS_WITH_SIGN = new RegExp(`^${INVISIBLE}*[${FORMULA_SIGNS}]`, 'u');

/**
 * A plain signed figure ("-5", "+2.5%", "-1,200", "- 2", "+.5", "−1.6%"): an ASCII sign or the minus sign (U+2212)
 * and a number, nothing else but spaces between the sign and its digits (and whatever the spreadsheet skips before
 * the sign). Whatever a spreadsheet makes of it (a number, or a formula whose whole content is that number) it runs
 * nothing, so it is taken as it is. The minus sign is the one a council's Word document puts in a figure ("−1.6%"
 * in a NEET table's "Diff from target"): counted as a formula's sign above, its figure got an apostrophe the ASCII
 * one did not, though it runs nothing either way. Anything after the figure (a space, "+1", a letter) and it is not
 * one; the full-width and small signs, which no one types in a figure, stay a formula's.
 */
const SIGNED_FIGURE = new RegExp(`^${INVISIBLE}*[+\\-\\u2212] *(?:\\d[\\d,]*(?:\\.\\d+)?|\\.\\d+)%?$`, 'u');

const INVISIBLE_CHAR = new RegExp(`^${INVISIBLE}$`, 'u');

/**
 * What may follow the minus of a dashed note: letters (and their accents), digits, the space, and `.`, `,`, `%`
 * and `’`. None of them is a way to call anything: a function needs `(`, Excel's DDE `|` and `!`, a reference to
 * another file `[`, `!` or `#` (LibreOffice), a string `"`; arithmetic needs another sign. The ASCII quote `'`
 * (which quotes a sheet's or file's name), tabs, line breaks, other spaces and invisible characters are left out.
 */
const DASHED_NOTE_CHARS = '\\p{L}\\p{M}0-9 .,%\\u2019';
const DASHED_NOTE_CHAR = new RegExp(`^[${DASHED_NOTE_CHARS}]$`, 'u');
/**
 * A dashed note: an ASCII minus, then a space, a letter or a digit, then only the characters above, with a letter
 * among them ("- see notes", "-5% on last year", "-ve trend"). A spreadsheet may still take it for a formula (Excel
 * shows "- see notes" as #NAME?, reading the words as names it does not know), but a formula of names, numbers and
 * spaces runs nothing and reaches nothing. Without a letter it is a figure, judged by SIGNED_FIGURE alone.
 */
const DASHED_NOTE = new RegExp(
  `^${INVISIBLE}*-(?=[ \\p{L}0-9])[${DASHED_NOTE_CHARS}]*\\p{L}[${DASHED_NOTE_CHARS}]*$`,
  'u',
);

/** True for a character a spreadsheet skips before the sign of a formula (a reader streaming a cell need not keep it). */
export function invisibleBeforeFormula(ch: string): boolean {
  return INVISIBLE_CHAR.test(ch);
}

/** Starts with a formula's sign, after anything a spreadsheet skips: a formula unless it is a signed figure. */
export function startsWithFormulaSign(cell: string): boolean {
  return STARTS_WITH_SIGN.test(cell);
}

/** A sign (ASCII, or the minus sign U+2212) and a figure, nothing else: it runs nothing in any spreadsheet. */
export function isSignedFigure(cell: string): boolean {
  return SIGNED_FIGURE.test(cell);
}

/**
 * A note after a minus that runs nothing however a spreadsheet reads it (see DASHED_NOTE): the evidence check
 * takes it, since refusing a lead's "- see notes" stops a file for nothing. The report's CSV guard does not use
 * it: an apostrophe costs nothing there, and keeps Excel from showing #NAME? for the words.
 */
export function isDashedNote(cell: string): boolean {
  return DASHED_NOTE.test(cell);
}

/** True for a character that may go on a dashed note (for a reader that streams a long cell without keeping it). */
export function continuesDashedNote(ch: string): boolean {
  return DASHED_NOTE_CHAR.test(ch);
}

/** A cell a spreadsheet would run as a formula: a formula's sign after anything skipped, and not a signed figure. */
export function runsAsSpreadsheetFormula(cell: string): boolean {
  return startsWithFormulaSign(cell) && !isSignedFigure(cell);
}
