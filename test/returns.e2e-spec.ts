/**
 * Returns through the API and the pages: forms, review, two-stage sign-off, bulk decisions, links.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './returns-api.e2e.js';
import './return-form.e2e.js';
import './review-pages.e2e.js';
import './two-stage-sign-off.e2e.js';
import './bulk-decisions.e2e.js';
import './start-and-links.e2e.js';
import './coordinator-refusals.e2e.js';
