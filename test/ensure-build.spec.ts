import {
  mkdtempSync,
  rmSync,
  existsSync,
  readFileSync,
  utimesSync,
  writeFileSync,
  mkdirSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { ensureBuild, isUpToDate, main, newestSource, stampTime } from '../scripts/ensure-build.cjs';

const root = join(__dirname, '..');

describe('the npm scripts reuse a fresh build (scripts/ensure-build.cjs)', () => {
  it('is up to date only when a build finished after the newest source', () => {
    expect(isUpToDate(null, 0)).toBe(false);
    expect(isUpToDate(1_000, 999)).toBe(true);
    expect(isUpToDate(1_000, 1_000)).toBe(true);
    expect(isUpToDate(1_000, 1_001)).toBe(false);
  });

  describe('on a small project of its own', () => {
    // Inside the repository, so that tsc resolves as the scripts' does.
    let dir: string;
    const lines: string[] = [];
    const build = () => {
      lines.length = 0;
      return ensureBuild(dir, (line) => lines.push(line));
    };
    const later = (file: string, seconds: number) => {
      const at = new Date(Date.now() + seconds * 1000);
      utimesSync(join(dir, file), at, at);
    };

    beforeAll(() => {
      dir = mkdtempSync(join(root, '.ensure-build-probe-'));
      mkdirSync(join(dir, 'libs/a'), { recursive: true });
      writeFileSync(join(dir, 'libs/a/one.ts'), 'export const one = 1;\n');
      writeFileSync(join(dir, 'libs/a/two.ts'), 'export const two = 2;\n');
      writeFileSync(
        join(dir, 'tsconfig.build.json'),
        JSON.stringify({
          // lib es5 only: the default brings the DOM's and every ES year's declarations, most of each tsc's
          // time here, and the stamp logic under test does not care what the probe compiles against.
          compilerOptions: { outDir: 'dist', rootDir: '.', module: 'commonjs', lib: ['es5'] },
          include: ['libs/**/*.ts'],
        }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('builds the first time, and leaves a stamp', () => {
      expect(stampTime(dir)).toBeNull();
      expect(build()).toBe(0);
      expect(lines).toEqual([expect.stringMatching(/^Building/)]);
      expect(existsSync(join(dir, 'dist/libs/a/one.js'))).toBe(true);
      expect(stampTime(dir)).not.toBeNull();
    }, 180_000);

    it('does nothing the second time', () => {
      expect(build()).toBe(0);
      expect(lines).toEqual([]);
    });

    it('builds again when a source is saved after the build', () => {
      later('libs/a/one.ts', 5);
      expect(newestSource(dir)).toBeGreaterThan(stampTime(dir)!);
      expect(build()).toBe(0);
      expect(lines).toHaveLength(1);
    }, 180_000);

    it('builds again when a source is deleted (its folder changes), or a config file changes', () => {
      // The stamp was written now, and one.ts is 5 s in the future: move the stamp past it first.
      later('dist/.build-stamp', 10);
      expect(build()).toBe(0);
      expect(lines).toEqual([]);
      unlinkSync(join(dir, 'libs/a/two.ts'));
      later('libs/a', 15);
      expect(build()).toBe(0);
      expect(lines).toHaveLength(1);
      later('dist/.build-stamp', 20);
      later('tsconfig.build.json', 25);
      expect(build()).toBe(0);
      expect(lines).toHaveLength(1);
    }, 360_000);

    it('npm run build (and pretest) compiles even when fresh and leaves the stamp: the next script does not build', () => {
      // An operator's probe: `npm run build` was plain tsc and wrote no stamp, so the `npm start` after it
      // compiled everything again. Their scripts are ensure-build's command line now, run here as written.
      const scripts = (
        JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
      ).scripts;
      // Everything written a minute ago (earlier tests moved some times ahead), and no stamp, as after plain tsc.
      for (const path of ['libs/a/one.ts', 'libs/a', 'libs', 'tsconfig.build.json']) later(path, -60);
      unlinkSync(join(dir, 'dist/.build-stamp'));
      for (const name of ['build', 'pretest']) {
        const [node, script, ...args] = scripts[name].split(' ');
        expect([name, node, script]).toEqual([name, 'node', 'scripts/ensure-build.cjs']);
        for (let run = 0; run < (name === 'build' ? 2 : 1); run++) {
          lines.length = 0;
          expect(main(args, dir, (line) => lines.push(line))).toBe(0);
          expect(lines).toEqual([expect.stringMatching(/^Building/)]);
          expect(isUpToDate(stampTime(dir), newestSource(dir))).toBe(true);
        }
        expect(build()).toBe(0);
        expect(lines).toEqual([]);
      }
    }, 360_000);

    it('reports a failed build and leaves no fresh stamp behind', () => {
      const before = stampTime(dir);
      writeFileSync(join(dir, 'libs/a/one.ts'), 'export const one: number = "not a number";\n');
      later('libs/a/one.ts', 30);
      expect(build()).not.toBe(0);
      expect(stampTime(dir)).toBe(before);
    }, 180_000);
  });
});
