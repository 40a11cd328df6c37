import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';

/**
 * The Tables part of the CSV: the measures' tables (the seed's NEET figures by district, say) one record per cell,
 * so that one file holds every table whatever its shape and a spreadsheet's filter or pivot gives any of them back.
 * Rows and columns count from 1 as a reader counts them; the column heading repeats on each cell under it. A cell
 * stays the text the agency typed: the XLSX's Tables sheet is where figures are numbers. The measure is named by
 * its Ref alone (the measures part has its words): a return may hold 300,000 cells, and every column here is
 * repeated on each of them.
 */
export const TABLE_CELL_HEADER = [
  'Ref',
  'Table',
  'Caption',
  'Row',
  'Column',
  'Column heading',
  'Cell',
] as const;

export function* tableCellRows(report: AnyCycleReport): Generator<(string | number)[]> {
  for (const theme of report.themes)
    for (const m of theme.measures)
      for (const [t, table] of m.tables.entries())
        for (const [r, row] of table.rows.entries())
          for (const [c, cell] of row.entries())
            yield [m.ref, t + 1, table.caption, r + 1, c + 1, table.header[c] ?? '', cell];
}
