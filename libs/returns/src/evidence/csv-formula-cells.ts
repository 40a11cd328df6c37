import {
  continuesDashedNote,
  invisibleBeforeFormula,
  isDashedNote,
  runsAsSpreadsheetFormula,
  startsWithFormulaSign,
} from '../../../kernel/src/index.js';

/**
 * Finds the first cell of a CSV file that a spreadsheet would run as a formula, by the rule the report's CSV guard
 * uses too (kernel's runsAsSpreadsheetFormula). Excel and LibreOffice take a cell beginning `=`, `+`, `-` or `@`
 * for one, their full-width forms too, and skip spaces, tabs, line breaks and invisible characters before the sign
 * (" =1+1", "\uFEFF=1+1"), so a file of evidence could carry `=HYPERLINK(...)` or a DDE payload to the reviewer
 * who opens it. A cell that is a plain signed number (`-5`, `+2.5%`, `-1,200`, `- 2`) is a number, not a formula,
 * and a dashed note (`- see notes`, `-5% on last year`: kernel's isDashedNote) is words that run nothing.
 * Fed the file's text in pieces as it streams by; quoted cells (with `""` inside, and line breaks) are read as CSV
 * reads them.
 */
export interface FormulaCell {
  /** 1-based, as a spreadsheet numbers rows. */
  row: number;
  /** 1-based column number. */
  column: number;
  /** The cell's first characters from its sign (what a spreadsheet skips before it left out), enough to recognise it. */
  start: string;
}

/**
 * `!` to `~`: none of them is one a spreadsheet skips before a sign (white space, control or format characters),
 * and of them only these are formulas' signs. Told apart here, the common characters cost no pattern each.
 */
const visibleAscii = (ch: string) => ch >= '!' && ch <= '~';
const ASCII_SIGNS = '=+-@';

/** How much of a cell is kept to judge it: a signed number longer than this is no figure anyone reports. */
const KEPT = 40;

/**
 * One way a spreadsheet may split the file into cells. Excel takes a first line `sep=;` as the separator for the
 * rest of the file; LibreOffice takes a quote after leading blanks (` "=1+1"`) as opening a quoted cell, where
 * RFC 4180 (and Excel) read the quote as text. A cell is a formula if any reading makes it one.
 */
export interface CsvReading {
  /** The character between cells: `,` unless the file's first line declares another. */
  separator?: string;
  /** Whether a quote after nothing but blanks opens a quoted cell, as LibreOffice reads it. */
  quoteAfterBlanks?: boolean;
}

export class CsvFormulaCells {
  private readonly separator: string;
  private readonly quoteAfterBlanks: boolean;
  private row = 1;
  private column = 1;
  private inQuotes = false;
  /** A quote seen inside a quoted cell: the next character says whether it closes the cell or is a `""`. */
  private quoteInQuotes = false;
  private afterCR = false;
  /** The cell as far as KEPT characters, without what a spreadsheet skips before a formula's sign. */
  private cell = '';
  private cellLength = 0;
  /** How many characters `cell` holds (characters, not UTF-16 units). */
  private kept = 0;
  /** How many of the cell's characters so far were skippable ones before anything else (kept out of `cell`). */
  private skipped = 0;
  /** Whether every character past the KEPT ones could go on a dashed note (a long note is not kept whole). */
  private restDashedNote = true;
  private wasQuoted = false;
  /**
   * The cell's first character past those skipped is no formula's sign, so nothing more in it can make it a
   * formula: the rest of it is passed over to the next character that could end it (see write).
   */
  private harmless = false;
  /** Outside quotes, what ends a cell: its separator or a line break (by code point, as the cells are read). */
  private readonly cellEnd: RegExp;
  found: FormulaCell | null = null;

  constructor(reading: CsvReading = {}) {
    this.separator = reading.separator ?? ',';
    this.quoteAfterBlanks = reading.quoteAfterBlanks ?? false;
    // By code point only when the separator is half of a pair: a search by code point is the slower one.
    const code = this.separator.codePointAt(0)!;
    this.cellEnd =
      code >= 0xd800 && code <= 0xdfff
        ? new RegExp(`[\\u{${code.toString(16)}}\\r\\n]`, 'gu')
        : new RegExp(`[\\u${code.toString(16).padStart(4, '0')}\\r\\n]`, 'g');
  }

  /**
   * Character by character (by code point), except through the rest of a harmless cell: a 20 MB file was 1 s of
   * the upload, nearly all of it spent on characters that could no longer change a verdict. Which characters those
   * are is exactly what take() would do with them: outside quotes a cell whose first character is kept goes on to
   * its separator or line break (a quote there is text), inside them to the next quote.
   */
  write(text: string): void {
    let at = 0;
    while (at < text.length) {
      if (this.found) return;
      if (this.harmless && !this.quoteInQuotes && !this.afterCR) {
        const next = this.inQuotes ? text.indexOf('"', at) : this.nextCellEnd(text, at);
        if (next < 0) return;
        at = next;
      }
      const unit = text.charCodeAt(at);
      const pair = unit >= 0xd800 && unit <= 0xdbff && at + 1 < text.length;
      const ch = pair ? String.fromCodePoint(text.codePointAt(at)!) : text[at];
      at += ch.length;
      this.take(ch);
    }
  }

  private nextCellEnd(text: string, from: number): number {
    this.cellEnd.lastIndex = from;
    return this.cellEnd.exec(text)?.index ?? -1;
  }

  /** The end of the file: the last cell is judged too. */
  end(): FormulaCell | null {
    if (!this.found && (this.cellLength > 0 || this.wasQuoted)) this.endCell();
    return this.found;
  }

  private take(ch: string): void {
    if (this.afterCR) {
      this.afterCR = false;
      if (ch === '\n') return;
    }
    if (this.inQuotes) {
      if (this.quoteInQuotes) {
        this.quoteInQuotes = false;
        if (ch === '"') return this.add('"');
        this.inQuotes = false; // it closed the cell's quotes: ch is read as outside them
      } else if (ch === '"') {
        this.quoteInQuotes = true;
        return;
      } else return this.add(ch);
    }
    // Blanks read before the quote (kept === 0) are left out of the cell, as LibreOffice leaves them.
    const opens = this.cellLength === 0 || (this.quoteAfterBlanks && this.kept === 0);
    if (ch === '"' && opens && !this.wasQuoted) {
      this.inQuotes = true;
      this.wasQuoted = true;
    } else if (ch === this.separator) {
      this.endCell();
      this.column += 1;
    } else if (ch === '\n' || ch === '\r') {
      this.endCell();
      this.row += 1;
      this.column = 1;
      this.afterCR = ch === '\r';
    } else this.add(ch);
  }

  private add(ch: string): void {
    this.cellLength += 1;
    // However many spaces or invisible characters lead the cell, the sign after them is still seen.
    if (this.kept === 0 && !visibleAscii(ch) && invisibleBeforeFormula(ch)) this.skipped += 1;
    else if (this.kept < KEPT) {
      if (this.kept === 0)
        this.harmless = visibleAscii(ch) ? !ASCII_SIGNS.includes(ch) : !startsWithFormulaSign(ch);
      this.cell += ch;
      this.kept += 1;
    } else if (!continuesDashedNote(ch)) this.restDashedNote = false;
  }

  private endCell(): void {
    const cell = this.cell;
    // A cell cut at KEPT characters is no figure anyone reports: a sign at its start makes it a formula, unless it
    // is a dashed note all through (its kept start judged whole, the rest character by character).
    const cut = this.cellLength - this.skipped > this.kept;
    const formula = this.harmless
      ? false
      : cut
        ? startsWithFormulaSign(cell) && !(isDashedNote(cell) && this.restDashedNote)
        : runsAsSpreadsheetFormula(cell) && !isDashedNote(cell);
    if (formula) this.found = { row: this.row, column: this.column, start: cell.slice(0, 20) };
    this.cell = '';
    this.cellLength = 0;
    this.kept = 0;
    this.skipped = 0;
    this.restDashedNote = true;
    this.wasQuoted = false;
    this.harmless = false;
  }
}

/** "B3", as a spreadsheet names the cell. */
export function cellName(cell: Pick<FormulaCell, 'row' | 'column'>): string {
  let letters = '';
  for (let n = cell.column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${cell.row}`;
}
