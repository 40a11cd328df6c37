import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';

/** The line a measure's return prints for the files the coordinator chose: titles only, never a link. */
export function evidenceLine(titles: readonly string[] | undefined): string | null {
  return titles?.length ? `Evidence: ${titles.join(', ')}` : null;
}

export const EVIDENCE_HEADER = ['Agency', 'Measure', 'Title', 'Type', 'Size', 'In report'] as const;

/** Every file on the cycle's returns as the XLSX export lists them, a row each: never a file name or a link. */
export function evidenceRows(report: AnyCycleReport): string[][] {
  return (report.evidenceFiles ?? []).map((f) => [
    f.agency,
    f.measureRef,
    f.title,
    f.type,
    f.size,
    f.inReport ? 'Yes' : 'No',
  ]);
}
