/**
 * An agency lead's pages in Chromium.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/browser/<part>.e2e.ts'`.
 */
import './agency-journey.e2e.js';
import './agency-history.e2e.js';
import './agency-spreadsheet.e2e.js';
import './return-form.e2e.js';
import './evidence-pages.e2e.js';
import './stale-lead-pages.e2e.js';
import './hostile-narratives.e2e.js';
