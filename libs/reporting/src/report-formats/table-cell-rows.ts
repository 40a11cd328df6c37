import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';

/**
 * The Tables part of the CSV: the measures' tables (the seed's NEET figures by district, say) one record per cell,
 * so that one file holds every table whatever its shape and a spreadsheet's filter or pivot gives any of them back.
 * Rows and columns count from 1 as a reader counts them; the column heading repeats on each cell under it. A cell
 * stays the text the agency typed: the XLSX's Tables sheet is where figures are numbers.
 */
export const TABLE_CELL_HEADER = [
  'Theme',
  'Ref',
  'Key success measure',
  'Table',
  'Caption',
  'Row',
  'Column',
  'Column heading',
  'Cell',
] as const;

export function tableCellRows(report: AnyCycleReport): (string | number)[][] {
  return report.themes.flatMap((theme) =>
    theme.measures.flatMap((m) =>
      m.tables.flatMap((table, t) =>
        table.rows.flatMap((row, r) =>
          row.map((cell, c) => [
            theme.title,
            m.ref,
            m.text,
            t + 1,
            table.caption,
            r + 1,
            c + 1,
            table.header[c] ?? '',
            cell,
          ]),
        ),
      ),
    ),
  );
}
