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
 * A plain signed figure ("-5", "+2.5%", "-1,200", "- 2", "+.5"): an ASCII sign and a number, nothing else but
 * spaces between the sign and its digits (and whatever the spreadsheet skips before the sign). Whatever a
 * spreadsheet makes of it (a number, or a formula whose whole content is that number) it runs nothing, so it is
 * taken as it is. Anything after the figure (a space, "+1", a letter) and it is not one.
 */
const SIGNED_FIGURE = new RegExp(`^${INVISIBLE}*[+-] *(?:\\d[\\d,]*(?:\\.\\d+)?|\\.\\d+)%?$`, 'u');

const INVISIBLE_CHAR = new RegExp(`^${INVISIBLE}$`, 'u');

/** True for a character a spreadsheet skips before the sign of a formula (a reader streaming a cell need not keep it). */
export function invisibleBeforeFormula(ch: string): boolean {
  return INVISIBLE_CHAR.test(ch);
}

/** Starts with a formula's sign, after anything a spreadsheet skips: a formula unless it is a signed figure. */
export function startsWithFormulaSign(cell: string): boolean {
  return STARTS_WITH_SIGN.test(cell);
}

/** A sign and a figure, nothing else: a spreadsheet reads it as that number and runs nothing. */
export function isSignedFigure(cell: string): boolean {
  return SIGNED_FIGURE.test(cell);
}

/** A cell a spreadsheet would run as a formula: a formula's sign after anything skipped, and not a signed figure. */
export function runsAsSpreadsheetFormula(cell: string): boolean {
  return startsWithFormulaSign(cell) && !isSignedFigure(cell);
}
