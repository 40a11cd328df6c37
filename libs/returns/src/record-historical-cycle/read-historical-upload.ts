import { createHash } from 'node:crypto';
import { HistoricalSource } from '../cycle/cycle.events.js';
import { HistoricalUpload } from './record-historical-cycle.command.js';
import { HistoricalFile } from './historical-file.js';
import { readReportJson } from './read-report-json.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/**
 * Reads an uploaded file as the report's JSON. Its hash is taken over the report as parsed and written back
 * compactly, so the same report is the same file whether uploaded or posted, whatever its spacing.
 */
export function readHistoricalUpload(upload: HistoricalUpload): {
  file: HistoricalFile;
  source: HistoricalSource;
} {
  let report: unknown;
  if ('report' in upload) report = upload.report;
  else {
    try {
      report = JSON.parse(upload.bytes.toString('utf8'));
    } catch (error) {
      const file: HistoricalFile = {
        label: null,
        periodStart: null,
        periodEnd: null,
        measures: [],
        problems: [{ at: { pointer: '' }, message: `is not JSON (${(error as Error).message})` }],
      };
      return { file, source: { kind: 'json', fileName: upload.fileName, sha256: sha256(upload.bytes) } };
    }
  }
  return {
    file: readReportJson(report),
    source: { kind: 'json', fileName: upload.fileName, sha256: sha256(JSON.stringify(report) ?? '') },
  };
}
