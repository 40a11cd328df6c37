import { NotAcceptableException } from '@nestjs/common';
import type { Request } from 'express';
import { cycleNameOf } from '../../../kernel/src/index.js';

export const REPORT_FORMATS = ['json', 'html', 'csv', 'xlsx', 'docx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The tables the CSV report comes in, one file each (`format=csv&part=`): the measures by default. */
export const CSV_PARTS = [
  'measures',
  'summary',
  'appendices',
  'case-studies',
  'indicators',
  'tables',
] as const;
export type CsvPart = (typeof CSV_PARTS)[number];

/** How the printable formats lie on A4: landscape (the seed's, and the default) or portrait. */
export const REPORT_ORIENTATIONS = ['landscape', 'portrait'] as const;
export type ReportOrientation = (typeof REPORT_ORIENTATIONS)[number];

export const MEDIA_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  html: 'text/html',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

/**
 * The format asked for: `?format=` wins; otherwise the Accept header, JSON first so that a client accepting
 * anything gets JSON. An Accept header naming none of them is answered 406, listing what there is.
 */
export function negotiateFormat(format: ReportFormat | undefined, request: Request): ReportFormat {
  if (format) return format;
  const best = request.accepts(REPORT_FORMATS.map((f) => MEDIA_TYPES[f]));
  const chosen = REPORT_FORMATS.find((f) => MEDIA_TYPES[f] === best);
  if (!chosen) {
    throw new NotAcceptableException({
      type: 'https://partner-returns.dev/problems/not-acceptable',
      title: 'The report is available as JSON, HTML, CSV, XLSX, DOCX or PDF',
      status: 406,
      detail: `Accept one of ${REPORT_FORMATS.map((f) => MEDIA_TYPES[f]).join(', ')}, or ask with ?format=`,
    });
  }
  return chosen;
}

/**
 * Content-Disposition with a file name that says what the file is: partnership, cycle, and (when not the
 * report now) the instant or the publication, and the part of a CSV other than the measures, e.g.
 * sevenoaks-lsp-y1-2019-20-report-publication-1.pdf or sevenoaks-lsp-y1-2019-20-report-case-studies.csv.
 */
export function contentDisposition(
  format: ReportFormat,
  parts: { partnershipId: string; cycleId: string; asAt?: Date | null; publication?: number; part?: CsvPart },
  download = false,
): string {
  const suffix = parts.publication
    ? `-publication-${parts.publication}`
    : parts.asAt
      ? `-as-at-${parts.asAt
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z')
          .replace(/[-:]/g, '')}`
      : '';
  const part = parts.part && parts.part !== 'measures' ? `-${parts.part}` : '';
  const name =
    `${parts.partnershipId}-${cycleNameOf(parts.cycleId)}-report${suffix}${part}.${format}`.replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
  // Files to open in another program (a spreadsheet, Word) are downloaded; the rest show in the browser.
  const disposition =
    download || format === 'csv' || format === 'xlsx' || format === 'docx' ? 'attachment' : 'inline';
  return `${disposition}; filename="${name}"`;
}
