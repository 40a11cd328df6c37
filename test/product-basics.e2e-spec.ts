/**
 * The product end to end at its simplest, and the event log kept valid and moving.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './api-docs-language.e2e.js';
import './dev-mail.e2e.js';
import './walking-skeleton.e2e.js';
import './whole-cycle.e2e.js';
import './close-race.e2e.js';
import './outbox-relay.e2e.js';
import './log-stays-valid.e2e.js';
import './parked-events.e2e.js';
