/**
 * Plans and past years: import, the plan page, appendices, indicators, history, the agency workbook.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './plan-import.e2e.js';
import './plan-page.e2e.js';
import './appendices.e2e.js';
import './indicators.e2e.js';
import './past-years.e2e.js';
import './agency-history.e2e.js';
import './agency-spreadsheet.e2e.js';
