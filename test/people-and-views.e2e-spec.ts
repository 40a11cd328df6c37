/**
 * Who sees what: people at once, scoped ids, staff sign-in, dashboards, the BI feed, evidence pages.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './people-at-once.e2e.js';
import './scoped-ids.e2e.js';
import './staff-auth.e2e.js';
import './viewer-dashboard.e2e.js';
import './bi-feed.e2e.js';
import './bi-plan-words.e2e.js';
import './evidence-pages.e2e.js';
import './coordinator-dashboard.e2e.js';
