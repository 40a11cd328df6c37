/**
 * The report's files as people open them: line endings, typed signs, fidelity, formulas, headings.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './report-line-endings.e2e.js';
import './report-typed-signs.e2e.js';
import './report-fidelity.e2e.js';
import './spreadsheet-formulas.e2e.js';
import './forget-in-publications.e2e.js';
import './report-headings.e2e.js';
