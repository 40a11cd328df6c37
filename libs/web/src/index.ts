// The door of libs/web, the only way in for other libs, apps, scripts, benchmarks and tests:
// the GOV.UK pages and how an app serves them.
export * from './configure-web.js';
export * from './csrf.js';
export * from './review.pages.js';
export * from './web.module.js';
export * from './plan-file-upload.js';
export { RETURNS_SPREADSHEET_PATH } from './agency-spreadsheet/agency-spreadsheet.pages.js';
export { EVIDENCE_UPLOAD_PATH } from './agency-evidence/agency-evidence.pages.js';
export * from './form-fields.js';
