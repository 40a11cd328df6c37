/**
 * Hostile and malformed input on every route and form, and writes from other sites.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './fuzz-forms.e2e.js';
import './fuzz-multipart.e2e.js';
import './fuzz-openapi.e2e.js';
import './fuzz-unreadable-bodies.e2e.js';
import './cross-origin-writes.e2e.js';
import './hostile-requests.e2e.js';
import './link-burst.e2e.js';
