/**
 * Chasing, digests, the mail ledger, throttles, the conversation and the metrics it all shows.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './chasing.e2e.js';
import './digests.e2e.js';
import './mail-ledger.e2e.js';
import './rate-limits.e2e.js';
import './conversation.e2e.js';
import './metrics.e2e.js';
