/**
 * The coordinator's pages in Chromium.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/browser/<part>.e2e.ts'`.
 */
import './coordinator-dashboard.e2e.js';
import './stale-coordinator-return.e2e.js';
import './retention-page.e2e.js';
import './forget-page.e2e.js';
import './redact-page.e2e.js';
import './plan-page.e2e.js';
import './past-years.e2e.js';
import './coordinator-refusals.e2e.js';
