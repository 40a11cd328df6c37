/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded by jest itself before any transform */
// Slowest first, so that the two workers finish together: a slow file that starts last runs on alone while the
// other worker has finished, which is wall time wasted. Jest's own order does this only for files it has timed
// (its cache, under /tmp): the first run of a clean clone (CI) has no times, and a clone where someone ran a few
// files alone has times for those few, and jest then starts every untimed file first, by size. A group file (a few
// lines of imports, see test/crashes.e2e-spec.ts) is among the smallest, so the groups, the slowest files of all,
// started last. Here each file is estimated instead: by jest's own time when it has one, else by the time measured
// below, else by its size (a group file's: its parts'); failed files still start first, as in jest's order.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { dirname, join, relative, sep } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Seconds the slowest files take, as far as they are known: a whole run's own figures (`npm test`, 2 workers,
 * 2026-12-06) divided by 6, the run having shared the 2 cores with other runs (load average 13 to 16: roles took
 * 130 s there and 21.5 s alone on the same machine earlier that day), and without the minutes that the timeouts of
 * a file failing there waited. Only their order, among themselves and against the estimates by size below and
 * jest's own times, matters.
 */
const MEASURED_SECONDS = {
  'test/crashes.e2e-spec.ts': 130,
  'test/personal-data.e2e-spec.ts': 120,
  'test/browser/coordinator-pages.e2e-spec.ts': 115,
  'test/browser/lead-pages.e2e-spec.ts': 111,
  'test/hostile-input.e2e-spec.ts': 101,
  'test/browser/staff-and-viewer-pages.e2e-spec.ts': 92,
  'test/browser/review-pages.e2e-spec.ts': 67,
  'test/report-data.e2e-spec.ts': 57,
  'test/partnership-isolation.e2e-spec.ts': 54,
  'test/chasing-and-mail.e2e-spec.ts': 48,
  'test/plans.e2e-spec.ts': 47,
  'test/returns.e2e-spec.ts': 47,
  'test/production-install.e2e-spec.ts': 42,
  'test/product-basics.e2e-spec.ts': 40,
  'test/people-and-views.e2e-spec.ts': 39,
  'test/evidence.e2e-spec.ts': 39,
  'test/whole-report.e2e-spec.ts': 35,
  'test/outages.e2e-spec.ts': 26,
  'test/roles.e2e-spec.ts': 22,
  'test/report-outputs.e2e-spec.ts': 15,
  'test/single-sign-on.e2e-spec.ts': 13,
  'test/staff-pages.e2e-spec.ts': 12,
};

/**
 * Seconds a byte of source is estimated at, when a file has no time: end-to-end files (test/, a group by its
 * parts) about half a millisecond a byte, unit specs less (jest's own times of files run alone, 2026-12-06).
 */
const SECONDS_PER_BYTE = { e2e: 0.0005, unit: 0.0003 };

const PART = /^import '\.\/([\w-]+\.e2e)\.js';$/gm;

/** The file's size, or for a group file the sizes of its parts. */
function weight(path) {
  const text = readFileSync(path, 'utf8');
  const parts = [...text.matchAll(PART)].map((m) => join(dirname(path), `${m[1]}.ts`));
  if (parts.length === 0) return text.length;
  return parts.reduce((sum, part) => sum + statSync(part).size, 0);
}

/** Seconds the file is expected to take: jest's own time of it, the measured one, or one by its size. */
function estimate(test, ownMs) {
  if (ownMs != null) return ownMs / 1000;
  const file = relative(test.context.config.rootDir, test.path).split(sep).join('/');
  if (MEASURED_SECONDS[file] !== undefined) return MEASURED_SECONDS[file];
  const perByte = file.startsWith('test/') && /\.e2e(-spec)?\.ts$/.test(file) ? 'e2e' : 'unit';
  return weight(test.path) * SECONDS_PER_BYTE[perByte];
}

class SlowestFirst extends Sequencer {
  sort(tests) {
    // Jest's sort sets each test's duration (its own time, if any), which jest reads afterwards.
    const sorted = super.sort(tests);
    const expected = new Map(sorted.map((test) => [test.path, estimate(test, this.time(test))]));
    const failed = (test) => (this.hasFailed(test) ? 1 : 0);
    return [...sorted].sort((a, b) => failed(b) - failed(a) || expected.get(b.path) - expected.get(a.path));
  }
}

module.exports = SlowestFirst;
