/**
 * Redaction, retention, forgetting a person, and the mail that must not be lost.
 *
 * One Jest file for these parts, so the product's modules load once for all of them rather than once a file
 * (about 3 s of CPU each on this machine). Each part keeps its own describe, product and tear-down, in this order;
 * one part runs alone with
 * `npx jest --testMatch '<rootDir>/test/<part>.e2e.ts'`.
 */
import './redaction.e2e.js';
import './redaction-appendix.e2e.js';
import './redaction-published-forms.e2e.js';
import './retention.e2e.js';
import './forget-person.e2e.js';
import './password-mail-owed.e2e.js';
import './escalation-mail.e2e.js';
import './redaction-forget-killed.e2e.js';
