/**
 * Killed mid-flight (SIGKILL of the worker or api at an awkward moment): nothing lost, nothing done twice.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './idempotency-crash.e2e.js';
import './digests-crash.e2e.js';
import './evidence-api-crash.e2e.js';
import './chasing-crash.e2e.js';
import './retention-crash.e2e.js';
import './worker-graceful-stop.e2e.js';
import './backup-restore.e2e.js';
import './log-checkpointer.e2e.js';
import './log-checkpointer-crash.e2e.js';
