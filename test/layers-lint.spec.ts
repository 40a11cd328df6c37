import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * The lint rules issue 11 rests on, shown to bite: `npm run lint` is not part of `npm test`, so without this a
 * rule could be switched off and nothing would notice.
 */
describe('the layers in lint', () => {
  // ESLint's config is an ES module, which Jest's CommonJS run cannot load: ask the CLI, as `npm run lint` does.
  const ruleIds = async (filePath: string, code: string): Promise<(string | null)[]> => {
    let out: string;
    try {
      out = execFileSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', filePath], {
        cwd: root,
        input: code,
        encoding: 'utf8',
      });
    } catch (error) {
      out = String((error as { stdout?: string }).stdout ?? '');
    }
    return (JSON.parse(out) as { messages: { ruleId: string | null }[] }[])[0].messages.map((m) => m.ruleId);
  };

  it('refuses a controller or a page that reads the database or the event store itself', async () => {
    const typeorm = `import { DataSource } from 'typeorm';\nexport const x: DataSource | null = null;\n`;
    expect(await ruleIds('libs/returns/src/get-cycle/get-cycle.http.ts', typeorm)).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds('libs/web/src/coordinate/plan.pages.ts', typeorm)).toContain(
      'no-restricted-imports',
    );
    const store = `import { EventStore } from '../../../event-store/src/index.js';\nexport const x: EventStore | null = null;\n`;
    expect(await ruleIds('libs/returns/src/get-cycle/get-cycle.http.ts', store)).toContain(
      'no-restricted-imports',
    );
    // A query may: that is where the reading lives.
    expect(await ruleIds('libs/returns/src/get-cycle/get-cycle.query.ts', typeorm)).not.toContain(
      'no-restricted-imports',
    );
  }, 60_000);

  it('refuses an import against the layers and a deep import into another lib', () => {
    const dir = mkdtempSync(join(root, 'libs/kernel/src/layers-probe-'));
    try {
      writeFileSync(
        join(dir, 'probe.ts'),
        `export { GetCycle } from '../../../returns/src/index.js';\nexport { CycleRepository } from '../../../returns/src/cycle/cycle.repository.js';\n`,
      );
      let output = '';
      try {
        execFileSync('npx', ['depcruise', '--output-type', 'err', dir], { cwd: root, encoding: 'utf8' });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? '');
      }
      expect(output).toMatch(/kernel-imports-no-lib/);
      expect(output).toMatch(/no-deep-import/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
