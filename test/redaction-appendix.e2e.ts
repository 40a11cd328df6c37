import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { withOneConnectionLeft } from './support/pool.js';
import { openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';
import { runScript } from './support/run-script.js';

/**
 * Issue 17 point 3 for the seed's case: a case study a coordinator entered in an appendix names a young person.
 * A passage redacted from it is afterwards nowhere: not in the events, not in any table's text, not in any
 * export, not after a rebuild; the publication that held it is re-issued; the log still verifies.
 */
describe('redacting a passage from an appendix case study (e2e)', () => {
  const NAME = 'Krysta Redactable-Intern';
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const base = `/cycles/${cycleId}/appendices`;
  let product: Product;
  let call: ReturnType<typeof http>;
  let dir: string;
  let version = 0;

  const write = async (method: string, path: string, body: unknown) => {
    const res = await call(method, `${base}${path}`, { ...as.coordinator, 'if-match': `"${version}"` }, body);
    expect(res.status).toBeLessThan(300);
    version = res.body.version;
    return res;
  };
  const study = (body: string) => ({
    title: 'An internship',
    organisation: 'Broomhill Bank School',
    author: 'Lucy Soper, Job Coach',
    measureRef: 'S1',
    sections: [
      { heading: 'Academic background', body },
      { heading: 'Now', body: 'In paid work.' },
    ],
  });
  const redact = (headers: Record<string, string>, body: object) =>
    call('POST', `${base}/redactions`, headers, body);
  const logCommand = async (command: typeof logVerify, args: string[]) => {
    const { code, out } = await runScript(command, { DATABASE_URL: product.db.url }, args);
    return { code, out };
  };

  beforeAll(async () => {
    product = await startProduct('redaction_appendix');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'redaction-appendix-'));
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1'],
    );
    await submitAndApprove(call, `${cycleId}.S1`, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: 'Nobody is named here.',
    });
    await write('POST', '', { title: 'Supported Internship Case Studies' });
    // Entered, then changed: two versions of the section hold the name.
    await write('POST', '/appendix-1/case-studies', study(`${NAME} joined in September.`));
    await write('PUT', '/appendix-1/case-studies/study-1', study(`${NAME} joined in September 2019.`));
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator, {})).status).toBe(201);
    await projectionsSettled(product);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await product.stop();
  });

  /** Every table's rows whose text columns hold the text. */
  async function tablesHolding(text: string): Promise<string[]> {
    const columns: { table_name: string; column_name: string }[] = await product.db.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')`,
    );
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::integer AS n FROM "${table_name}" WHERE strpos("${column_name}"::text, $1) > 0`,
        [text],
      );
      if (n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  }

  async function exportsHolding(text: string, query = ''): Promise<string[]> {
    const found: string[] = [];
    for (const format of ['json', 'html', 'csv', 'xlsx', 'docx']) {
      const res = await fetch(`${product.baseUrl}/cycles/${cycleId}/report?format=${format}${query}`, {
        headers: as.coordinator,
      });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const file = join(dir, `report.${format}`);
      writeFileSync(file, bytes);
      const readable =
        format === 'xlsx' || format === 'docx'
          ? execFileSync('unzip', ['-p', file], { maxBuffer: 64 << 20 }).toString('utf8')
          : bytes.toString('utf8');
      if (readable.includes(text)) found.push(format);
    }
    return found;
  }

  it('holds the name in return_texts only, never in an event row, and in every export', async () => {
    const tables = await tablesHolding(NAME);
    expect(tables).toContain('return_texts.text');
    expect(tables).not.toContain('events.data');
    // The CSV is the measures' table: it prints no appendices, so it never held the name.
    expect(await exportsHolding(NAME)).toEqual(['json', 'html', 'xlsx', 'docx']);
  });

  it('refuses others than the coordinator, a part without the passage (422 passage), a bad part (422 part)', async () => {
    const body = {
      appendixId: 'appendix-1',
      caseStudyId: 'study-1',
      part: 0,
      passage: NAME,
      reason: 'Names a pupil',
    };
    expect((await redact(as.reviewer, body)).status).toBe(403);
    expect((await redact(as.otherCoordinator, body)).status).toBe(404);
    const notThere = await redact(as.coordinator, { ...body, part: 'title' });
    expect(notThere.status).toBe(422);
    expect(notThere.headers.get('content-type')).toContain('application/problem+json');
    expect(notThere.body).toMatchObject({ code: 'passage-not-found' });
    expect(JSON.stringify(notThere.body)).toContain('passage');
    const badPart = await redact(as.coordinator, { ...body, part: 'body' });
    expect([badPart.status, badPart.body.code]).toEqual([422, 'invalid-part']);
    const noSuchSection = await redact(as.coordinator, { ...body, part: 99 });
    expect([noSuchSection.status, noSuchSection.body.code]).toEqual([422, 'part-not-found']);
    expect(JSON.stringify(noSuchSection.body)).toContain('part');
    expect((await redact(as.coordinator, { ...body, caseStudyId: 'study-9' })).status).toBe(404);
  });

  it('takes the name out of every table, export and rebuild, re-issues the publication, and the log verifies', async () => {
    const held = await logCommand(logDigest, ['--checkpoint']);
    expect(held.code).toBe(0);
    // The cycle is read, and the publication re-issued, on the redaction's own connection: with every other one
    // of the api's pool held, a read asking the pool for a second waited out its 10 s (503).
    const started = Date.now();
    const res = await withOneConnectionLeft(product.api.get(DataSource), () =>
      redact(as.coordinator, {
        appendixId: 'appendix-1',
        caseStudyId: 'study-1',
        part: 0,
        passage: NAME,
        reason: 'Names a pupil',
      }),
    );
    expect([res.status, res.body.code]).toEqual([200, undefined]);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(res.body).toMatchObject({ status: 'redacted', textsChanged: 2 });
    expect(res.body.reissued).toEqual([expect.objectContaining({ publication: 1, reissuedAs: 2 })]);
    await projectionsSettled(product);
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });
    expect(await tablesHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME, '&published=latest')).toEqual([]);
    const view = (await call('GET', base, as.coordinator)).body;
    expect(view.appendices[0].caseStudies[0].sections[0].body).toBe('[redacted] joined in September 2019.');

    const code = await projectionsRebuild(
      { DATABASE_URL: product.db.url, NODE_ENV: 'test' },
      { write: () => undefined },
      { write: () => undefined },
    );
    expect(code).toBe(0);
    expect(await tablesHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME)).toEqual([]);
    const [{ data }] = await product.db.dataSource.query(
      `SELECT data FROM events WHERE type = 'AppendixPassageRedacted'`,
    );
    expect(data).toMatchObject({ part: 0, passageLength: NAME.length, reason: 'Names a pupil' });
  });
});
