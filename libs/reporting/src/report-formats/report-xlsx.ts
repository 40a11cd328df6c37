import ExcelJS from 'exceljs';
import { CycleReport } from '../cycle-report/cycle-report.js';
import { narrativeText } from './narrative-text.js';
import { ROW_HEADER, reportRows } from './report-rows.js';

const FILLS: Record<string, { fill: string; font: string }> = {
  green: { fill: 'FF00703C', font: 'FFFFFFFF' },
  amber: { fill: 'FFFFBF47', font: 'FF0B0C0C' },
  red: { fill: 'FFD4351C', font: 'FFFFFFFF' },
  none: { fill: 'FFF3F2F1', font: 'FF0B0C0C' },
};

/**
 * The report as a workbook: a summary sheet (title, partnership, period, headline, RAG by theme), the measures
 * with RAG cells coloured and worded, every return table as a block of its own, and the case studies. Cells
 * are written as text values, never as formulas.
 */
export async function renderReportXlsx(report: CycleReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Partner Returns';
  book.title = report.title;

  const summary = book.addWorksheet('Summary');
  summary.columns = [{ width: 40 }, { width: 12 }, { width: 12 }, { width: 12 }, { width: 12 }];
  summary.addRow([report.title]).font = { bold: true, size: 14 };
  summary.addRow([report.partnership]);
  summary.addRow([`${report.label} (${report.period})`]);
  if (report.asAt) summary.addRow([`As it stood at ${report.asAt}`]);
  summary.addRow([]);
  summary.addRow([report.headline.text]).font = { bold: true, size: 12 };
  summary.addRow([]);
  const head = summary.addRow(['Theme', 'Green', 'Amber', 'Red', 'Not rated']);
  head.font = { bold: true };
  for (const theme of report.themes) {
    summary.addRow([
      theme.title,
      theme.counts.green,
      theme.counts.amber,
      theme.counts.red,
      theme.counts.notRated,
    ]);
  }
  const h = report.headline;
  summary.addRow(['All themes', h.green, h.amber, h.red, h.notRated]).font = { bold: true };

  const measures = book.addWorksheet('Measures', { views: [{ state: 'frozen', ySplit: 1 }] });
  measures.columns = ROW_HEADER.map((header, i) => ({
    header,
    width: [20, 8, 40, 30, 10, 80, 50, 12, 14, 12, 40, 28, 24, 8][i],
  }));
  measures.getRow(1).font = { bold: true };
  for (const row of reportRows(report)) {
    const added = measures.addRow(row.cells);
    added.alignment = { vertical: 'top', wrapText: true };
    const colours = FILLS[row.rag ?? 'none'];
    const rag = added.getCell(5);
    rag.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.fill } };
    rag.font = { bold: true, color: { argb: colours.font } };
  }

  const tables = book.addWorksheet('Tables');
  for (const theme of report.themes) {
    for (const m of theme.measures) {
      for (const table of m.tables) {
        tables.addRow([`${m.ref}: ${table.caption}`]).font = { bold: true };
        tables.addRow(table.header).font = { bold: true };
        for (const row of table.rows) tables.addRow(row);
        tables.addRow([]);
      }
    }
  }

  const studies = book.addWorksheet('Case studies');
  studies.columns = [{ width: 24 }, { width: 40 }, { width: 30 }, { width: 30 }, { width: 100 }];
  studies.addRow(['Theme', 'Title', 'Agency', 'Section', 'Text']).font = { bold: true };
  for (const theme of report.appendix.caseStudies) {
    for (const study of theme.caseStudies) {
      for (const section of study.sections) {
        studies.addRow([
          theme.title,
          study.title,
          study.agency,
          section.heading,
          narrativeText(section.body),
        ]).alignment = {
          vertical: 'top',
          wrapText: true,
        };
      }
    }
  }

  return Buffer.from(await book.xlsx.writeBuffer());
}
