import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SlowestFirst from './support/test-sequencer.cjs';

/**
 * Jest's own order starts every file it has no time for first, by size, and the files it timed after them: on a
 * clone where a few files had been run alone, the group files (a few lines of imports, and the slowest files of
 * all) started last, and one ran on alone at the end of the run.
 */
describe('the test sequencer starts the slowest files first (test/support/test-sequencer.cjs)', () => {
  let root: string;
  let context: object;

  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const test = (path: string) => ({ path: join(root, path), context });
  /** Jest's cache as a run of these files with these outcomes left it, through the sequencer's own writing. */
  const ran = (runs: { path: string; seconds: number; failed?: boolean }[]) =>
    new SlowestFirst().cacheResults(
      runs.map((run) => test(run.path)),
      {
        testResults: runs.map((run) => ({
          testFilePath: join(root, run.path),
          numFailingTests: run.failed ? 1 : 0,
          perfStats: { runtime: run.seconds * 1000 },
        })),
      },
    );
  const order = (paths: string[]) =>
    new SlowestFirst().sort(paths.map(test)).map((t) => t.path.slice(root.length + 1));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sequencer-probe-'));
    context = {
      config: { rootDir: root, cache: true, cacheDirectory: join(root, '.cache'), id: 'probe', haste: {} },
      hasteFS: { getSize: (path: string) => statSync(path).size },
    };
    mkdirSync(join(root, '.cache'));
    // A group file of two long parts, and a plain end-to-end file longer than it but shorter than its parts.
    file('test/one.e2e.ts', 'x'.repeat(30_000));
    file('test/two.e2e.ts', 'x'.repeat(30_000));
    file('test/group.e2e-spec.ts', "import './one.e2e.js';\nimport './two.e2e.js';\n");
    file('test/plain.e2e-spec.ts', 'x'.repeat(40_000));
    file('libs/small/src/small.spec.ts', 'x'.repeat(2_000));
    file('libs/tiny/src/tiny.spec.ts', 'x'.repeat(500));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const ALL = [
    'libs/small/src/small.spec.ts',
    'libs/tiny/src/tiny.spec.ts',
    'test/plain.e2e-spec.ts',
    'test/group.e2e-spec.ts',
  ];

  it('on a first run, starts a group by the size of its parts, and small unit specs last', () => {
    expect(order(ALL)).toEqual([
      'test/group.e2e-spec.ts',
      'test/plain.e2e-spec.ts',
      'libs/small/src/small.spec.ts',
      'libs/tiny/src/tiny.spec.ts',
    ]);
  });

  it('when jest has timed a few files only, still starts the untimed group first and a quick timed file last', () => {
    ran([{ path: 'libs/small/src/small.spec.ts', seconds: 0.05 }]);
    expect(order(ALL)).toEqual([
      'test/group.e2e-spec.ts',
      'test/plain.e2e-spec.ts',
      'libs/tiny/src/tiny.spec.ts',
      'libs/small/src/small.spec.ts',
    ]);
  });

  it('starts a file jest timed as slow before untimed files that look quicker', () => {
    ran([{ path: 'libs/tiny/src/tiny.spec.ts', seconds: 300 }]);
    expect(order(ALL)[0]).toBe('libs/tiny/src/tiny.spec.ts');
  });

  it('starts a file measured slow (production-install) first, though it is small and untimed', () => {
    file('test/production-install.e2e-spec.ts', 'x'.repeat(1_000));
    expect(order([...ALL, 'test/production-install.e2e-spec.ts'])[0]).toBe(
      'test/production-install.e2e-spec.ts',
    );
  });

  it('starts a file that failed last time first, as jest does', () => {
    ran([{ path: 'libs/tiny/src/tiny.spec.ts', seconds: 0.1, failed: true }]);
    expect(order(ALL)[0]).toBe('libs/tiny/src/tiny.spec.ts');
  });
});
