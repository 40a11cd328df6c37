import { CsvFormulaCells, CsvReading, FormulaCell } from './csv-formula-cells.js';

/**
 * Excel reads a first line `sep=X` as the file's separator (whatever the computer's own list separator), so
 * `sep=;` then `Figures;=HYPERLINK(...)` is one cell to an RFC 4180 reader and a formula in Excel. Any character
 * after `sep=` is taken, whatever follows it on the line, since what Excel accepts there is not documented.
 */
const SEPARATOR_LINE = /^sep=([^"\r\n])/i;

/** Longer than any `sep=` line: a first line this long without a break is no declaration. */
const FIRST_LINE_WATCHED = 64;

/** Both ways the cells' quotes may be read (see CsvReading), with the given separator. */
const readings = (separator?: string): CsvReading[] => [{ separator }, { separator, quoteAfterBlanks: true }];

/**
 * Finds the first cell of a CSV file that a spreadsheet would run as a formula however the spreadsheet splits the
 * file: comma-separated, each quote read both as RFC 4180 and LibreOffice read it, and, when the first line is
 * Excel's `sep=X`, split at X as well. Fed the file's text in pieces as it streams by, as CsvFormulaCells is.
 */
export class CsvFormulaReadings {
  private readonly cells: CsvFormulaCells[] = readings().map((r) => new CsvFormulaCells(r));
  /** The first line as far as read, until it is known whether it declares a separator; then null. */
  private firstLine: string | null = '';

  get found(): FormulaCell | null {
    return this.cells.find((c) => c.found)?.found ?? null;
  }

  write(text: string): void {
    for (const cells of this.cells) cells.write(text);
    if (this.firstLine !== null) this.watchFirstLine(this.firstLine, text);
  }

  end(): FormulaCell | null {
    if (this.firstLine !== null) this.declared(this.firstLine, '');
    for (const cells of this.cells) cells.end();
    return this.found;
  }

  private watchFirstLine(sofar: string, text: string): void {
    const end = text.search(/[\r\n]/);
    const firstLine = sofar + (end < 0 ? text : text.slice(0, end));
    if (end >= 0) this.declared(firstLine, text.slice(end));
    else this.firstLine = firstLine.length > FIRST_LINE_WATCHED ? null : firstLine;
  }

  /**
   * The first line is whole: a declared separator adds its readings, fed what follows the first line (its line
   * break first, so their rows are numbered as the file's are).
   */
  private declared(firstLine: string, rest: string): void {
    this.firstLine = null;
    const separator = SEPARATOR_LINE.exec(firstLine)?.[1];
    if (separator === undefined || separator === ',') return;
    const added = readings(separator).map((r) => new CsvFormulaCells(r));
    for (const cells of added) cells.write(rest);
    this.cells.push(...added);
  }
}
