import { withLineFeeds } from '../../kernel/src/index.js';
import { LIMITS } from '../../returns/src/index.js';
import type { TableDraft } from './return-form.js';

/**
 * A table pasted from a spreadsheet into the tables step: the cells Excel, LibreOffice or Word copy arrive as
 * lines of tab-separated text. A lead with a table of 16 columns and 13 rows (the seed's NEET table) pasted it
 * in one go instead of pressing "Add a column" and "Add a row" 25 times and typing 208 cells. The first line is
 * the column headings. Lines with no tab but " | " between cells (how a table the service could not save is
 * given back to copy, tableText) are read the same; other lines are one column.
 */
export function pastedTable(text: string): { table: TableDraft } | { problem: string } {
  const records = clipboardRecords(withLineFeeds(text));
  const blank = (record: string[]) => record.every((cell) => cell.trim() === '');
  while (records.length > 0 && blank(records[records.length - 1])) records.pop();
  while (records.length > 0 && blank(records[0])) records.shift();
  if (records.length === 0)
    return { problem: 'Paste the cells of a table, with its column headings on the first line' };
  const tabbed = records.some((record) => record.length > 1);
  const piped = !tabbed && records.some(([line]) => line.includes(' | '));
  const cells = records.map((record) => (piped ? record[0].split('|') : record).map((cell) => cell.trim()));
  // Not Math.max(...): a paste of a few hundred thousand lines overflowed the stack as arguments (a 500).
  const columns = cells.reduce((most, row) => Math.max(most, row.length), 0);
  const rows = cells.length - 1;
  if (columns > LIMITS.columns || rows > LIMITS.rows)
    return {
      problem: `A table can have at most ${LIMITS.columns} columns and ${LIMITS.rows} rows under its headings: the pasted one has ${columns} column${columns === 1 ? '' : 's'} and ${rows} row${rows === 1 ? '' : 's'}`,
    };
  const tooLong = cells.flat().find((cell) => [...cell].length > LIMITS.cell);
  if (tooLong !== undefined)
    return {
      problem: `A cell can hold at most ${LIMITS.cell} characters: one pasted starts “${[...tooLong].slice(0, 30).join('')}…”`,
    };
  const wide = (row: string[]) => [...row, ...Array<string>(columns - row.length).fill('')];
  const [header, ...body] = cells.map(wide);
  return { table: { caption: '', header, rows: body.length > 0 ? body : [wide([])] } };
}

/** The longest quoted cell looked for: ten times what a cell may hold, so a stray quote never reads far on. */
const QUOTED_CELL_REACH = 10 * LIMITS.cell;

/**
 * The clipboard's lines of tab-separated cells. Excel, LibreOffice and Google Sheets put a cell holding a line
 * break (a heading wrapped with Alt+Enter, as every heading of the seed's NEET table is: "Total / Cohort /
 * Yr12 & / Yr13") between double quotes, its own quotes doubled; read line by line, such a heading became rows
 * of stray halves with quote marks in them. A quoted cell is read whole, its lines joined by a space (a cell of
 * the form is one line). A cell that only starts with a quote, with no line break or tab inside, is copied as it
 * is, so it is read as it is.
 */
function clipboardRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  // Where the next tab and line feed are, found again only once passed: a paste may be 2 MB of one column.
  let tab = -1;
  let feed = -1;
  let at = 0;
  for (;;) {
    const quoted = text[at] === '"' ? quotedCell(text, at) : null;
    let end = quoted?.end ?? at;
    if (!quoted) {
      if (tab < at) tab = text.indexOf('\t', at) >>> 0;
      if (feed < at) feed = text.indexOf('\n', at) >>> 0;
      end = Math.min(tab, feed, text.length);
    }
    record.push(quoted ? quoted.cell : text.slice(at, end));
    if (end >= text.length) break;
    if (text[end] === '\n') {
      records.push(record);
      record = [];
    }
    at = end + 1;
  }
  records.push(record);
  return records;
}

/** The quoted cell opening at `start`, and where it ends; null when the quote does not open one. */
function quotedCell(text: string, start: number): { cell: string; end: number } | null {
  const reach = Math.min(text.length, start + QUOTED_CELL_REACH);
  const parts: string[] = [];
  for (let from = start + 1; ;) {
    const quote = text.indexOf('"', from);
    if (quote < 0 || quote >= reach) return null;
    parts.push(text.slice(from, quote));
    if (text[quote + 1] === '"') {
      parts.push('"');
      from = quote + 2;
      continue;
    }
    const after = text[quote + 1];
    const value = parts.join('');
    // Only a cell with a line break or a tab is quoted on the clipboard: "Wellbeing" alone is a cell's text.
    if ((after !== undefined && after !== '\t' && after !== '\n') || !/[\n\t]/.test(value)) return null;
    // Each run of white space holding a line break or a tab is one space. Not a split on `\s*[\n\t]\s*`: a regex
    // tries that from every space, each time to the end of its run, and a paste of 400 such cells of 5,000 spaces
    // held the api's one thread 6 s.
    const cell = value.replace(/\s+/g, (run) => (/[\n\t]/.test(run) ? ' ' : run));
    return { cell, end: quote + 1 };
  }
}
