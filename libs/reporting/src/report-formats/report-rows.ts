import { ReturnTable } from '../../../returns/src/index.js';
import { AnyCycleReport, workflowOf } from '../cycle-report/published-cycle-report.js';
import { dotLabel, ragLabel, ragTrendWords, unreadableNote } from '../cycle-report/report-words.js';
import { narrativeText } from './narrative-text.js';

/** The columns as they first were: people's spreadsheets and the BI feed read them by place and by name. */
const FIRST_COLUMNS = [
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

/**
 * Columns added since, always after every earlier one (a publication's "Last updated" too), so no column moves:
 * "RAG trend" is the measure's RAG in the plan's earlier cycles, as the page and the Word report print it under
 * the DOT ("Previous RAG" alone lost Year 1 from a Year 3 report); "Theme lead agencies" and "Theme priorities"
 * are what the page prints over the theme's table, on each of its measures' rows, since a CSV has no headings.
 */
const LATER_COLUMNS = ['RAG trend', 'Theme lead agencies', 'Theme priorities'] as const;

/** The staff's working report's columns, in their order. */
export const ROW_HEADER = [...FIRST_COLUMNS, ...LATER_COLUMNS] as const;

/** The columns of the staff's working view only: a publication never has them (issue 12 point 2). */
const WORKFLOW_COLUMNS: ReadonlySet<string> = new Set([
  'DOT suggested by RAGs',
  'Approved by',
  'Approved at',
  'Version',
]);

/**
 * The columns CSV and XLSX list: all of ROW_HEADER for the working report; for a publication, none of the
 * workflow's, and "Last updated" when the coordinator chose to print those dates.
 */
export function rowHeader(report: AnyCycleReport, published: boolean): string[] {
  if (!published) return [...ROW_HEADER];
  const dated = report.themes.some((t) => t.measures.some((m) => 'lastUpdated' in m && m.lastUpdated));
  return [
    ...FIRST_COLUMNS.filter((c) => !WORKFLOW_COLUMNS.has(c)),
    ...(dated ? ['Last updated'] : []),
    ...LATER_COLUMNS,
  ];
}

/** A theme's lead agencies as a list to filter on, "Sevenoaks District Council; Kent County Council". */
export function themeLeadAgencies(theme: AnyCycleReport['themes'][number]): string {
  return (theme.leadAgencies ?? []).map((a) => a.name).join('; ');
}

/** A theme's priorities a line each, numbered as the page numbers them: "Priority 1: Keep crime low". */
export function themePriorities(theme: AnyCycleReport['themes'][number]): string {
  return (theme.priorities ?? []).map((p, i) => `Priority ${i + 1}: ${p.text}`).join('\n');
}

export interface ReportRow {
  rag: string | null;
  cells: (string | number)[];
}

/** One row per measure of the report, approved or awaiting, in the plan's order: what CSV and XLSX list. */
export function reportRows(report: AnyCycleReport, published = false): ReportRow[] {
  const header = rowHeader(report, published);
  // Each row is made with every column, then cut to the header's.
  const pick = (cells: (string | number)[], lastUpdated: string) => {
    const all = new Map<string, string | number>(ROW_HEADER.map((c, i) => [c, cells[i]]));
    all.set('Last updated', lastUpdated);
    return header.map((c) => all.get(c) ?? '');
  };
  return report.themes.flatMap((theme) => {
    const leads = themeLeadAgencies(theme);
    const priorities = themePriorities(theme);
    return [
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
          dotLabel(workflowOf(m)?.suggestedDot),
          m.previousRag ? ragLabel(m.previousRag) : '',
          m.comments ?? '',
          workflowOf(m)?.approvedBy ?? '',
          workflowOf(m)?.approvedAt ?? '',
          workflowOf(m)?.version ?? '',
          ragTrendWords(m.trend),
          leads,
          priorities,
        ],
        lastUpdated: ('lastUpdated' in m && m.lastUpdated) || '',
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
          '',
          leads,
          priorities,
        ],
        lastUpdated: '',
      })),
    ]
      .sort((a, b) => a.position - b.position || a.ref.localeCompare(b.ref))
      .map(({ rag, cells, lastUpdated }) => ({ rag, cells: pick(cells, lastUpdated) }));
  });
}

/** A return table as text lines: caption, then header and rows with cells separated by " | ". */
export function tableText(table: ReturnTable): string {
  return [table.caption, table.header.join(' | '), ...table.rows.map((r) => r.join(' | '))]
    .filter((line) => line !== '')
    .join('\n');
}
