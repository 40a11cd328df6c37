/**
 * What the report is made from: as-at and publish, the projection, malformed returns, evidence, cycle ids.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './report-as-at-and-publish.e2e.js';
import './report-projection.e2e.js';
import './report-malformed-returns.e2e.js';
import './evidence-report.e2e.js';
import './readable-cycle-ids.e2e.js';
