/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded by jest itself before any transform */
// Jest's own order, except on a first run (a clean clone in CI has no cache): jest then orders by file size,
// and a file that is small but slow (production-install: npm ci; a page walk) can start last and run on alone
// while the other worker has finished, which is wall time wasted. These files start first instead, then the rest
// by size, a group file (a few lines of imports, see test/crashes.e2e-spec.ts) weighing what its parts weigh; once
// jest has timings of its own (its cache) it orders by them, slowest first, and this list no longer matters.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** Slowest first, as measured one by one; keep it short: it only seeds a first run. */
const KNOWN_SLOW = [
  'test/production-install.e2e-spec.ts',
  'test/partnership-isolation.e2e-spec.ts',
  'test/single-sign-on.e2e-spec.ts',
  'test/staff-pages.e2e-spec.ts',
  'test/evidence.e2e-spec.ts',
  'test/whole-report.e2e-spec.ts',
  'test/roles.e2e-spec.ts',
];

const PART = /^import '\.\/([\w-]+\.e2e)\.js';$/gm;

/** The file's size, or for a group file the sizes of its parts. */
function weight(path) {
  const text = readFileSync(path, 'utf8');
  const parts = [...text.matchAll(PART)].map((m) => join(dirname(path), `${m[1]}.ts`));
  if (parts.length === 0) return text.length;
  return parts.reduce((sum, part) => sum + statSync(part).size, 0);
}

class KnownSlowFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const rank = (test) => {
      const i = KNOWN_SLOW.findIndex((file) => test.path.endsWith(file));
      return i === -1 ? KNOWN_SLOW.length : i;
    };
    const weights = new Map(tests.map((test) => [test.path, weight(test.path)]));
    return [...sorted].sort((a, b) => rank(a) - rank(b) || weights.get(b.path) - weights.get(a.path));
  }
}

module.exports = KnownSlowFirst;
