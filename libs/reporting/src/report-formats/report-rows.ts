import { ReturnTable } from '../../../returns/src/index.js';
import { CycleReport } from '../cycle-report/cycle-report.js';
import { dotLabel, ragLabel, unreadableNote } from '../cycle-report/report-words.js';
import { narrativeText } from './narrative-text.js';

export const ROW_HEADER = [
  'Theme',
  'Ref',
  'Key success measure',
  'Agency',
  'RAG',
  'Progress',
  'Tables',
  'DOT',
  'DOT suggested by RAGs',
  'Previous RAG',
  'Direction of travel & comments',
  'Approved by',
  'Approved at',
  'Version',
] as const;

export interface ReportRow {
  rag: string | null;
  cells: (string | number)[];
}

/** One row per measure of the report, approved or awaiting, in the plan's order: what CSV and XLSX list. */
export function reportRows(report: CycleReport): ReportRow[] {
  return report.themes.flatMap((theme) =>
    [
      ...theme.measures.map((m) => ({
        position: m.position,
        ref: m.ref,
        rag: m.rag,
        cells: [
          theme.title,
          m.ref,
          m.text,
          m.agency,
          ragLabel(m.rag),
          [narrativeText(m.narrative), unreadableNote(m.unreadable)].filter((t) => t !== '').join('\n\n'),
          m.tables.map(tableText).join('\n\n'),
          dotLabel(m.dot),
          dotLabel(m.suggestedDot),
          m.previousRag ? ragLabel(m.previousRag) : '',
          m.comments ?? '',
          m.approvedBy,
          m.approvedAt,
          m.version,
        ],
      })),
      ...theme.awaiting.map((m) => ({
        position: m.position,
        ref: m.ref,
        rag: null,
        cells: [
          theme.title,
          m.ref,
          m.text,
          m.agency,
          ragLabel(null),
          'No approved return yet',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '',
        ],
      })),
    ]
      .sort((a, b) => a.position - b.position || a.ref.localeCompare(b.ref))
      .map(({ rag, cells }) => ({ rag, cells })),
  );
}

/** A return table as text lines: caption, then header and rows with cells separated by " | ". */
export function tableText(table: ReturnTable): string {
  return [table.caption, table.header.join(' | '), ...table.rows.map((r) => r.join(' | '))]
    .filter((line) => line !== '')
    .join('\n');
}
