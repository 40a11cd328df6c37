/**
 * Staff, single sign-on set-up, mail preferences, the viewer, indicators and the start page in Chromium, and the checks the browser specs lean on.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/browser/<part>.e2e.ts'`.
 */
import './staff-journey.e2e.js';
import './single-sign-on-setup.e2e.js';
import './mail-preference.e2e.js';
import './viewer-journey.e2e.js';
import './indicators.e2e.js';
import './start-and-links.e2e.js';
import './page-checks.e2e.js';
import './chromium-flags.e2e.js';
