/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, run by node before anything is built */
// Builds dist/ with `tsc -p tsconfig.build.json` only when a source is newer than the last build, so the npm
// scripts that run from dist/ (start, plan:import, staff:create, bench, ...) start at once when nothing changed
// instead of spending a minute on a full compile. Plain JavaScript: it must run before anything is built.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** What tsconfig.build.json compiles, and the files that change how it compiles. */
const SOURCE_DIRS = ['apps', 'libs', 'bench', 'scripts'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const STAMP = path.join('dist', '.build-stamp');

/**
 * The latest modification time (ms) of any TypeScript source or config under root. Directories count too: a
 * file deleted or renamed changes its directory's time, and that also calls for a build.
 */
function newestSource(root) {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    newest = Math.max(newest, fs.statSync(dir).mtimeMs);
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  for (const file of CONFIG_FILES) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(root, file)).mtimeMs);
    } catch {
      // An absent config file changes nothing.
    }
  }
  return newest;
}

/** When the last build that finished began (ms), or null when there is none. */
function stampTime(root) {
  try {
    return fs.statSync(path.join(root, STAMP)).mtimeMs;
  } catch {
    return null;
  }
}

/** Up to date: a build finished, and it began after the newest source was written. */
function isUpToDate(stampMs, newestSourceMs) {
  return stampMs !== null && newestSourceMs <= stampMs;
}

/**
 * Compiles with `tsc -p tsconfig.build.json` and, when it succeeds, writes the stamp that says the build is fresh
 * (`npm run build` and `pretest` come here too, so the next script does not compile everything again); returns
 * tsc's exit code. A failed build leaves the stamp as it was.
 */
function build(root, log = (line) => process.stderr.write(`${line}\n`), reason = '') {
  // The stamp takes the time the build began: a file saved while tsc runs is newer, so the next run builds again.
  const began = new Date();
  log(`Building (tsc -p tsconfig.build.json)${reason}...`);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) return result.status ?? 1;
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(root, STAMP), `${began.toISOString()}\n`);
  fs.utimesSync(path.join(root, STAMP), began, began);
  return 0;
}

/** Builds if needed; returns tsc's exit code (0 when nothing had to be done). */
function ensureBuild(root, log = (line) => process.stderr.write(`${line}\n`)) {
  if (isUpToDate(stampTime(root), newestSource(root))) return 0;
  return build(root, log, ': a source changed since the last build');
}

/** The command line: `--always` (npm run build, pretest) compiles even when fresh; otherwise only when needed. */
function main(args, root, log) {
  const unknown = args.filter((a) => a !== '--always');
  if (unknown.length > 0) {
    (log ?? ((line) => process.stderr.write(`${line}\n`)))(
      `ensure-build: unknown argument ${unknown[0]} (only --always)`,
    );
    return 2;
  }
  return args.includes('--always') ? build(root, log) : ensureBuild(root, log);
}

module.exports = { newestSource, stampTime, isUpToDate, build, ensureBuild, main, STAMP };

if (require.main === module) process.exit(main(process.argv.slice(2), path.join(__dirname, '..')));
