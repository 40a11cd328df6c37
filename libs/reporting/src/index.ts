// The door of libs/reporting, the only way in for other libs, apps, scripts, benchmarks and tests:
// the report read model, the report in its formats, cycle status, publishing.
export * from './migrations.js';
export * from './reporting-read-model.js';
export * from './cycle-report/cycle-report.query.js';
export * from './cycle-status/cycle-status.from-events.js';
export * from './cycle-status/cycle-status.query.js';
export * from './project-cycle/project-cycle.js';
export * from './project-return/project-return.js';
export * from './publish-report/publish-report.command.js';
export * from './publish-report/published-reports.js';
export * from './redact-passage/redact-passage.command.js';
export * from './report-formats/chromium-launch.js';
export * from './report-formats/narrative-text.js';
export * from './report-formats/pdf-printer.js';
export * from './report-formats/report-csv.js';
export * from './report-formats/report-docx.js';
export * from './report-formats/report-parts.js';
export * from './report-formats/report-rows.js';
export * from './reporting.module.js';
export * from './bi-access/bi-access.js';
export * from './forget-in-publications/publication-erasure.js';
