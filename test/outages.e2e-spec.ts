/**
 * Redis, SMTP and PostgreSQL going away or stalling under a running product.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './redis-stall.e2e.js';
import './chase-connections-cut.e2e.js';
import './mail-outage.e2e.js';
import './report-redis-emptied.e2e.js';
import './worker-pepper.e2e.js';
import './database-stall.e2e.js';
import './redis-down-pages.e2e.js';
import './reset-requests-redis-emptied.e2e.js';
