/**
 * Reviewing and signing off in Chromium.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/browser/<part>.e2e.ts'`.
 */
import './review-journey.e2e.js';
import './review-race.e2e.js';
import './two-stage-journey.e2e.js';
import './bulk-decisions.e2e.js';
import './sign-in-and-approve.e2e.js';
import './conversation-journey.e2e.js';
