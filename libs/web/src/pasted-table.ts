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
  const lines = withLineFeeds(text).split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  if (lines.length === 0)
    return { problem: 'Paste the cells of a table, with its column headings on the first line' };
  const tabbed = lines.some((line) => line.includes('\t'));
  const piped = !tabbed && lines.some((line) => line.includes(' | '));
  const cells = lines.map((line) =>
    (tabbed ? line.split('\t') : piped ? line.split('|') : [line]).map((cell) => cell.trim()),
  );
  const columns = Math.max(...cells.map((row) => row.length));
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
