import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';
import { ragLabel } from '../cycle-report/report-words.js';

/**
 * The Indicators part of the CSV and sheet of the workbook: a row per indicator of each approved measure, its
 * numbers as numbers (a spreadsheet sums and charts them as they come), an unknown baseline or value empty.
 */
export const INDICATOR_HEADER = [
  'Theme',
  'Ref',
  'Key success measure',
  'Indicator',
  'Unit',
  'Better when',
  'Baseline',
  'Target',
  'Value',
  'Suggested RAG',
] as const;

export function indicatorRows(report: AnyCycleReport): (string | number)[][] {
  return report.themes.flatMap((theme) =>
    theme.measures.flatMap((m) =>
      (m.indicators ?? []).map((i) => [
        theme.title,
        m.ref,
        m.text,
        i.name,
        i.unit,
        i.direction === 'higher-is-better' ? 'higher' : 'lower',
        i.baseline ?? '',
        i.target,
        i.value ?? '',
        i.rag ? ragLabel(i.rag) : '',
      ]),
    ),
  );
}
