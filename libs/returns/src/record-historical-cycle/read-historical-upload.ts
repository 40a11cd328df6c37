import { createHash } from 'node:crypto';
import { HistoricalSource } from '../cycle/cycle.events.js';
import { HistoricalUpload } from './record-historical-cycle.command.js';
import { HistoricalFile } from './historical-file.js';
import { readReportJson } from './read-report-json.js';
import { readReportXlsx } from './read-report-xlsx.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const unreadable = (message: string): HistoricalFile => ({
  label: null,
  periodStart: null,
  periodEnd: null,
  measures: [],
  problems: [{ at: { pointer: '' }, message }],
});

/**
 * Reads an uploaded file: a spreadsheet (XLSX, a zip) by its sheets, anything else as the report's JSON. A JSON
 * report's hash is taken over the report as parsed and written back compactly, so the same report is the same
 * file whether uploaded or posted, whatever its spacing; a spreadsheet's is its bytes'.
 */
export async function readHistoricalUpload(
  upload: HistoricalUpload,
): Promise<{ file: HistoricalFile; source: HistoricalSource }> {
  let report: unknown;
  if ('report' in upload) report = upload.report;
  else if (upload.bytes.subarray(0, 4).equals(ZIP)) {
    const source = { kind: 'xlsx' as const, fileName: upload.fileName, sha256: sha256(upload.bytes) };
    return { file: await readReportXlsx(upload.bytes), source };
  } else {
    try {
      report = JSON.parse(upload.bytes.toString('utf8'));
    } catch (error) {
      return {
        file: unreadable(`is neither JSON nor a spreadsheet (${(error as Error).message})`),
        source: { kind: 'json', fileName: upload.fileName, sha256: sha256(upload.bytes) },
      };
    }
  }
  return {
    file: readReportJson(report),
    source: { kind: 'json', fileName: upload.fileName, sha256: sha256(JSON.stringify(report) ?? '') },
  };
}
