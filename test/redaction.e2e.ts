import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore, NewEvent } from '../libs/event-store/src/index.js';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { renderedNarratives } from '../libs/returns/src/index.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { withOneConnectionLeft } from './support/pool.js';
import { openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';
import { attachEvidenceForTest } from './support/evidence.js';
import { runScript } from './support/run-script.js';

/**
 * Issue 17 point 3: a coordinator redacts a passage (a named young person) from a return's narrative and case
 * studies. Afterwards the passage is nowhere: not in the events, not in any text column of any table, not in
 * any export of the report, not after a rebuild; the publication that held it is re-issued redacted.
 */
describe('redacting a passage from a return (e2e)', () => {
  const NAME = 'Jamie Redactable-Example';
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const S1 = `${cycleId}.S1`;
  const S2 = `${cycleId}.S2`;
  const REASON_NAME = 'Alex Reasoned-Example';
  let product: Product;
  let call: ReturnType<typeof http>;
  let dir: string;

  /** `npm run log:digest` / `log:verify` as an operator runs them, on this product's database. */
  const logCommand = async (command: typeof logVerify, args: string[]) => {
    const { code, out } = await runScript(command, { DATABASE_URL: product.db.url }, args);
    return { code, out };
  };

  beforeAll(async () => {
    product = await startProduct('redaction');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'redaction-'));
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
      ['S1', 'S2'],
    );
    // A draft first, so an earlier version of the field holds the passage too.
    const draft = await call('PUT', `/returns/${S1}/draft`, as.coordinator, {
      narrative: `Draft: ${NAME} was referred.`,
    });
    expect(draft.status).toBe(200);
    await submitAndApprove(call, S1, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: `Our youth worker supported **${NAME}** into college.\n\n- 12 referrals`,
      comments: 'Figures from the CSP.',
      caseStudies: [
        {
          title: 'Back into learning',
          agency: 'Community Safety Partnership',
          sections: [{ heading: 'The beginning', body: `${NAME} had left school at 15.` }],
        },
      ],
    });
    // S2 is sent back once first, the reviewer naming someone in the reason.
    const s2 = `${cycleId}.S2`;
    const nobody = { rag: 'amber', narrative: 'Nobody is named here.' };
    expect((await call('POST', `/returns/${s2}/submit`, as.coordinator, nobody)).status).toBe(200);
    const sentBack = await call('POST', `/returns/${s2}/send-back`, as.reviewer, {
      reason: `Ask ${REASON_NAME} for the figures.`,
    });
    expect(sentBack.status).toBe(200);
    // And its agency given longer, the coordinator naming them again.
    const { agencyId } = (await call('GET', `/returns/${s2}`, as.coordinator)).body;
    const extended = await call('POST', `/cycles/${cycleId}/agencies/${agencyId}/extend`, as.coordinator, {
      dueDate: '2030-06-30',
      reason: `${REASON_NAME} is unwell.`,
    });
    expect(extended.status).toBe(200);
    await submitAndApprove(call, `${cycleId}.S2`, as.coordinator, as.reviewer, {
      rag: 'amber',
      narrative: 'Nobody is named here.',
    });
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator, {})).status).toBe(201);
    await projectionsSettled(product);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await product.stop();
  });

  const redact = (headers: Record<string, string>, body: object) =>
    call('POST', `/returns/${S1}/redactions`, headers, body);

  /** Every table's rows whose text columns (text, varchar, json, jsonb) hold the text. */
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
    for (const format of ['json', 'html', 'csv', 'xlsx', 'docx', 'pdf']) {
      const res = await fetch(`${product.baseUrl}/cycles/${cycleId}/report?format=${format}${query}`, {
        headers: as.coordinator,
      });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const file = join(dir, `report.${format}`);
      writeFileSync(file, bytes);
      let readable: string;
      if (format === 'xlsx' || format === 'docx') {
        readable = execFileSync('unzip', ['-p', file], { maxBuffer: 64 << 20 }).toString('utf8');
      } else if (format === 'pdf') {
        readable = execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, ' ');
      } else {
        readable = bytes.toString('utf8');
      }
      if (readable.includes(text)) found.push(format);
    }
    return found;
  }

  /** The text is held apart, in return_texts, and in no column of the log (its data or its metadata). */
  async function heldApartOnly(text: string): Promise<void> {
    const found = await tablesHolding(text);
    expect(found).toContain('return_texts.text');
    expect(found.filter((column) => column.startsWith('events.'))).toEqual([]);
  }

  /** Appends as a release before texts were held apart did: the text inline in the event row. */
  async function appendAsBefore(streamId: string, version: number, event: NewEvent, actorId = 'staff') {
    const bare = new EventStore(product.db.dataSource, undefined, { hooks: [] });
    const actorRole = actorId === 'staff' ? 'coordinator' : 'agency-lead';
    await bare.append(streamId, version, [event], { actorId, actorRole, correlationId: 'before' });
  }

  /** `npm run projections:rebuild` on this product's database; its exit code. */
  const rebuild = () =>
    projectionsRebuild(
      { DATABASE_URL: product.db.url, NODE_ENV: 'test' },
      { write: () => undefined },
      { write: () => undefined },
    );

  /** The pages' HTML, each as the signed-in person named beside it reads it. */
  async function pagesAsRead(pages: readonly (readonly [string, Record<string, string>])[]) {
    const seen: string[] = [];
    for (const [path, headers] of pages) {
      const res = await fetch(`${product.baseUrl}${path}`, { headers: { ...headers, accept: 'text/html' } });
      expect(res.status).toBe(200);
      seen.push(await res.text());
    }
    return seen;
  }

  /** Another year's cycle of the plan, open, with S1 and S2 (`from`: the year its period starts). */
  const openYear = (year: string, label: string, from: string) =>
    openCycle(
      call,
      as.coordinator,
      {
        cycleId: scopedCycleId('sevenoaks-lsp', year),
        label,
        periodStart: `${from}-04-01`,
        periodEnd: `${Number(from) + 1}-03-31`,
        dueDate: '2030-04-30',
      },
      ['S1', 'S2'],
    );

  /** After a redaction: no table holds the text, nor what `shown` reads, before a rebuild or after one. */
  async function goneForGood(text: string, shown: () => Promise<string>): Promise<void> {
    expect(await tablesHolding(text)).toEqual([]);
    expect(await rebuild()).toBe(0);
    expect(await tablesHolding(text)).toEqual([]);
    expect(await shown()).not.toContain(text);
  }

  it('holds the passage readable before: in return_texts only, never in an event row', async () => {
    expect(await tablesHolding(NAME)).toEqual(
      expect.arrayContaining(['return_texts.text', 'report_returns.narrative', 'published_reports.body']),
    );
    expect(await tablesHolding(NAME)).not.toContain('events.data');
    expect(await exportsHolding(NAME)).toEqual(['json', 'html', 'csv', 'xlsx', 'docx', 'pdf']);
  });

  it('refuses anyone but the partnership’s coordinator', async () => {
    const body = { field: 'narrative', passage: NAME, reason: 'Names a young person' };
    expect((await redact(as.reviewer, body)).status).toBe(403);
    expect((await redact(as.viewer, body)).status).toBe(403);
    expect((await redact(as.lead('sevenoaks-csp'), body)).status).toBe(403);
    expect((await redact(as.otherCoordinator, body)).status).toBe(404);
  });

  it('refuses a passage the field does not hold with a 422 naming the passage, and changes nothing', async () => {
    const version = (await call('GET', `/returns/${S1}`, as.coordinator)).body.version;
    const res = await redact(as.coordinator, {
      field: 'comments',
      passage: NAME,
      reason: 'Names a young person',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'passage-not-found' });
    expect(JSON.stringify(res.body)).toContain('passage');
    const noReason = await redact(as.coordinator, { field: 'narrative', passage: NAME, reason: '' });
    expect(noReason.status).toBe(400);
    // The reason is kept readable for good: the passage in other letters' case would give it back (200 before).
    const lowerCased = await redact(as.coordinator, {
      field: 'narrative',
      passage: NAME,
      reason: `${NAME.toLowerCase()} is a young person`,
    });
    expect(lowerCased.status).toBe(422);
    expect(lowerCased.body).toMatchObject({
      code: 'reason-holds-passage',
      errors: [expect.objectContaining({ field: 'reason', rule: 'reason-holds-passage' })],
    });
    expect((await call('GET', `/returns/${S1}`, as.coordinator)).body.version).toBe(version);
  });

  it('takes the passage out of every view, table, export and rebuild, and re-issues the publication', async () => {
    // The digest an operator holds from before: a redaction rewrites no event row, so the log still verifies.
    const held = await logCommand(logDigest, ['--checkpoint']);
    expect(held.code).toBe(0);
    // The exports before rendered the narrative: its HTML is kept, the passage in it.
    const cachedHolding = () => renderedNarratives.held().filter((html) => html.includes(NAME));
    expect(cachedHolding()).not.toEqual([]);
    // The re-issue reads the cycle inside the redaction's transaction: on that connection, not a second one from
    // the pool, which a burst of other requests may all be holding (503 after the pool's 10 s).
    const started = Date.now();
    const first = await withOneConnectionLeft(product.api.get(DataSource), () =>
      redact(as.coordinator, { field: 'narrative', passage: NAME, reason: 'Names a young person' }),
    );
    expect([first.status, first.body.code]).toEqual([200, undefined]);
    expect(Date.now() - started).toBeLessThan(8_000);
    // The draft, the submission and the approval each held it.
    expect(first.body).toMatchObject({ status: 'redacted', textsChanged: 3 });
    // The HTML rendered from the text as it read before is gone, not left until the least recently read goes.
    expect(cachedHolding()).toEqual([]);
    expect(first.body.reissued).toEqual([expect.objectContaining({ publication: 1, reissuedAs: 2 })]);
    const second = await redact(as.coordinator, {
      field: 'caseStudies',
      passage: NAME,
      reason: 'Names a young person',
    });
    expect(second.status).toBe(200);
    // The re-issue took the passage out of every text of the publication, case studies too: nothing is left.
    expect(second.body.reissued).toEqual([]);
    await projectionsSettled(product);
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    expect(await tablesHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME, '&published=latest')).toEqual([]);
    const view = (await call('GET', `/returns/${S1}`, as.coordinator)).body;
    expect(view.approved.content.narrative).toBe(
      'Our youth worker supported **[redacted]** into college.\n\n- 12 referrals',
    );
    expect(view.approved.content.caseStudies[0].sections[0].body).toBe('[redacted] had left school at 15.');
    expect(JSON.stringify(view)).not.toContain(NAME);
    const history = view.history.map((h: { type: string }) => h.type);
    expect(history.filter((t: string) => t === 'PassageRedacted')).toHaveLength(2);

    // A rebuild of every read model from the events reads the texts as they now stand.
    expect(await rebuild()).toBe(0);
    expect(await tablesHolding(NAME)).toEqual([]);
    expect(await exportsHolding(NAME)).toEqual([]);
    const [{ narrative }] = await product.db.dataSource.query(
      'SELECT narrative FROM report_returns WHERE return_id = $1',
      [S1],
    );
    expect(narrative).toContain('[redacted]');
  }, 180_000);

  it('keeps the old publications’ hashes with the reason, serves their bytes no more, and the re-issue instead', async () => {
    const list = (await call('GET', `/cycles/${cycleId}/publications`, as.coordinator)).body.publications;
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({
      publication: 1,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      redacted: { reason: 'Names a young person', reissuedAs: 2 },
    });
    expect(list[1]).toMatchObject({ publication: 2, redacted: null });
    expect(list[1].contentHash).not.toBe(list[0].contentHash);
    const gone = await call('GET', `/cycles/${cycleId}/report?published=1`, as.coordinator);
    expect(gone.status).toBe(410);
    const latest = await call('GET', `/cycles/${cycleId}/report?published=latest`, as.coordinator);
    expect(latest.status).toBe(200);
    expect(latest.headers.get('etag')).toBe(`"${list[1].contentHash}"`);
    const s1 = latest.body.themes
      .flatMap((t: { measures: { ref: string; narrative: string }[] }) => t.measures)
      .find((m: { ref: string }) => m.ref === 'S1');
    expect(s1.narrative).toContain('[redacted]');
    // The events that record it hold where and why, never the passage.
    const [{ data }] = await product.db.dataSource.query(
      `SELECT data FROM events WHERE type = 'PassageRedacted' ORDER BY global_position LIMIT 1`,
    );
    expect(data).toMatchObject({
      field: 'narrative',
      passageLength: NAME.length,
      reason: 'Names a young person',
    });
  });

  // An attacker's probe (2026-12-06): a later passage was replaced inside the [redacted] of earlier redactions too
  // ("a" made "[red[redacted]cted]"), and one found only there was taken as found, re-issuing the publications.
  it('leaves the [redacted] of earlier redactions whole, and finds no passage inside them', async () => {
    const narrativeOf = async () =>
      (await call('GET', `/returns/${S1}`, as.coordinator)).body.content.narrative;
    const before = await narrativeOf();
    expect(before).toContain('**[redacted]**');
    const version = (await call('GET', `/returns/${S1}`, as.coordinator)).body.version;
    const inside = await redact(as.coordinator, { field: 'narrative', passage: 'act', reason: 'Typo' });
    expect([inside.status, inside.body.code]).toEqual([422, 'passage-not-found']);
    expect((await call('GET', `/returns/${S1}`, as.coordinator)).body.version).toBe(version);

    // "d" is in "supported" and twice in each [redacted]: only the first is taken out.
    const both = await redact(as.coordinator, { field: 'narrative', passage: 'd', reason: 'Typo' });
    expect(both.status).toBe(200);
    expect(await narrativeOf()).toBe(before.replace('supported', 'supporte[redacted]'));
    const [{ text }] = await product.db.dataSource.query(
      `SELECT string_agg(text, ' ') AS text FROM return_texts WHERE return_id = $1 AND field = 'narrative'`,
      [S1],
    );
    expect(text).not.toMatch(/\[re\[|cte\[redacted\]\]/);
    expect(text.split('[redacted]').join('')).not.toContain('d');
  });

  // Issue "Trust": a reviewer who named someone sending a return back left the name in the reason for good.
  it('redacts a passage from the reasons given: held apart, [redacted] on the return’s pages and history and after a rebuild', async () => {
    const redactS2 = (headers: Record<string, string>, body: object) =>
      call('POST', `/returns/${S2}/redactions`, headers, body);
    await heldApartOnly(REASON_NAME);
    // A reason given before reasons were held apart is in its event row: a passage it holds is refused whole.
    const before = (await call('GET', `/returns/${S2}`, as.coordinator)).body;
    await appendAsBefore(`return:${S2}`, before.version, {
      type: 'DeadlineExtended',
      data: { dueDate: '2030-05-31', reason: 'Asked by Sam Reason-Inline.' },
    });
    const version = before.version + 1;
    const asked = { field: 'reasons', passage: REASON_NAME, reason: 'Names a young person' };
    expect((await redactS2(as.reviewer, asked)).status).toBe(403);
    const inline = await redactS2(as.coordinator, { ...asked, passage: 'Sam Reason-Inline' });
    expect(inline.status).toBe(422);
    expect(inline.body).toMatchObject({
      code: 'reason-held-in-log',
      errors: [expect.objectContaining({ field: 'passage', rule: 'reason-held-in-log' })],
    });
    // The narrative holds it, no reason does.
    const notThere = await redactS2(as.coordinator, { ...asked, passage: 'Nobody is named' });
    expect(notThere.status).toBe(422);
    expect(notThere.headers.get('content-type')).toContain('application/problem+json');
    expect(notThere.body).toMatchObject({
      code: 'passage-not-found',
      errors: [expect.objectContaining({ field: 'passage', rule: 'passage-not-found' })],
    });
    expect((await call('GET', `/returns/${S2}`, as.coordinator)).body.version).toBe(version);

    const held = await logCommand(logDigest, ['--checkpoint']);
    const done = await redactS2(as.coordinator, asked);
    expect([done.status, done.body.code]).toEqual([200, undefined]);
    // The send-back's reason and the agency's extension's.
    expect(done.body).toMatchObject({ status: 'redacted', textsChanged: 2, version: version + 1 });
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    const lead = as.lead(before.agencyId);
    const shown = async () => {
      const seen: string[] = [];
      for (const headers of [lead, as.reviewer, as.coordinator]) {
        const view = (await call('GET', `/returns/${S2}`, headers)).body;
        seen.push(JSON.stringify(view));
      }
      const { history } = (await call('GET', `/returns/${S2}`, as.coordinator)).body;
      const line = history.find((h: { type: string }) => h.type === 'ReturnSentBack');
      expect([line.reason, line.data.reason]).toEqual([
        'Ask [redacted] for the figures.',
        'Ask [redacted] for the figures.',
      ]);
      const extension = history.find((h: { type: string }) => h.type === 'DeadlineExtended');
      expect(extension.reason).toBe('[redacted] is unwell.');
      seen.push(
        ...(await pagesAsRead([
          [`/review/returns/${S2}`, as.reviewer],
          [`/coordinate/returns/${S2}`, as.coordinator],
        ])),
      );
      return seen.join('\n');
    };
    const everything = await shown();
    expect(everything).not.toContain(REASON_NAME);
    expect(everything).toContain('Ask [redacted] for the figures.');
    await goneForGood(REASON_NAME, shown);
  }, 120_000);

  // Issue "Trust": a lead who named a client in a message left the name on the thread for the retention period.
  it('redacts a passage from a message: held apart from its event, [redacted] on both sides’ pages, in the history and after a rebuild', async () => {
    const CLIENT = 'Robin Messaged-Example';
    const lead = as.lead('sevenoaks-csp');
    const thread = () => call('GET', `/returns/${S1}/messages`, lead);
    const posted = await call('POST', `/returns/${S1}/messages`, lead, {
      body: `We helped ${CLIENT} find a course.`,
    });
    expect(posted.status).toBe(201);
    const { messageId } = posted.body;
    await heldApartOnly(CLIENT);
    // One posted before bodies were held apart keeps its body in its event row: refused, never rewritten.
    const inline = `m${Number(messageId.slice(1)) + 1}`;
    await appendAsBefore(
      `conversation:${S1}`,
      (await thread()).body.version,
      {
        type: 'ReturnMessagePosted',
        data: {
          messageId: inline,
          returnId: S1,
          body: 'Written long ago by Sam Inline-Example.',
          author: 'lead@csp.example',
          authorRole: 'agency-lead',
          agencyId: 'sevenoaks-csp',
          changeRequest: false,
          answers: null,
          postedAt: new Date().toISOString(),
        },
      },
      'lead@csp.example',
    );
    const redactMessage = (headers: Record<string, string>, id: string, body: object) =>
      call('POST', `/returns/${S1}/messages/${id}/redactions`, headers, body);
    const asked = { passage: CLIENT, reason: 'Names a client' };

    const version = (await thread()).body.version;
    expect((await redactMessage(as.reviewer, messageId, asked)).status).toBe(403);
    expect((await redactMessage(lead, messageId, asked)).status).toBe(403);
    expect((await redactMessage(as.otherCoordinator, messageId, asked)).status).toBe(404);
    const missing = await redactMessage(as.coordinator, 'm99', asked);
    expect([missing.status, missing.body.code]).toEqual([404, 'message-not-found']);
    const notThere = await redactMessage(as.coordinator, messageId, { ...asked, passage: 'Sam Inline' });
    expect(notThere.status).toBe(422);
    expect(notThere.headers.get('content-type')).toContain('application/problem+json');
    expect(notThere.body).toMatchObject({
      code: 'passage-not-found',
      errors: [expect.objectContaining({ field: 'passage', rule: 'passage-not-found' })],
    });
    const repeats = await redactMessage(as.coordinator, messageId, { ...asked, reason: `${CLIENT} asked` });
    expect(repeats.body).toMatchObject({
      code: 'reason-holds-passage',
      errors: [expect.objectContaining({ field: 'reason', rule: 'reason-holds-passage' })],
    });
    const old = await redactMessage(as.coordinator, inline, { ...asked, passage: 'Sam Inline-Example' });
    expect(old.status).toBe(422);
    expect(old.body).toMatchObject({
      code: 'message-held-in-log',
      errors: [expect.objectContaining({ field: 'messageId', rule: 'message-held-in-log' })],
    });
    expect((await thread()).body.version).toBe(version);

    const held = await logCommand(logDigest, ['--checkpoint']);
    const done = await redactMessage(as.coordinator, messageId, asked);
    expect([done.status, done.body.code]).toEqual([200, undefined]);
    expect(done.body).toMatchObject({ messageId, status: 'redacted', textsChanged: 1, version: version + 1 });
    expect(done.headers.get('etag')).toBe(`"${version + 1}"`);
    // No event row was rewritten: the log still verifies against the digest taken before.
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    const shown = async () => {
      const seen: string[] = [];
      for (const headers of [lead, as.reviewer, as.coordinator]) {
        const json = (await call('GET', `/returns/${S1}/messages`, headers)).body;
        const message = json.messages.find((m: { messageId: string }) => m.messageId === messageId);
        expect(message.body).toBe('We helped [redacted] find a course.');
        seen.push(JSON.stringify(json));
      }
      seen.push(
        ...(await pagesAsRead([
          [`/agency/returns/${S1}/messages`, lead],
          [`/review/returns/${S1}/messages`, as.reviewer],
          [`/review/returns/${S1}`, as.reviewer],
        ])),
      );
      return seen.join('\n');
    };
    const everything = await shown();
    expect(everything).not.toContain(CLIENT);
    expect(everything).toContain('We helped [redacted] find a course.');
    expect(everything).toContain(
      `Redacted a passage of ${CLIENT.length} characters from message ${messageId}`,
    );
    // The history shows where and why, never the passage's SHA-256 (a guessed name could be confirmed by it).
    const [{ data }] = await product.db.dataSource.query(
      `SELECT data FROM events WHERE type = 'MessagePassageRedacted'`,
    );
    expect(everything).not.toContain(data.passageSha256);
    expect(data).toMatchObject({ messageId, passageLength: CLIENT.length, reason: 'Names a client' });
    await goneForGood(CLIENT, shown);
  }, 120_000);
  // Issue 17 point 3: why a cycle was closed by force, or a lead's link revoked, was left in the log for good.
  it('redacts a passage from the reasons given on a cycle: held apart, kept out of the metadata, [redacted] wherever read and after a rebuild', async () => {
    const STAFF = 'Kim Cycled-Example';
    const y2 = await openYear('y2-2020-21', 'Year 2 2020/21', '2020');
    const [first] = (await call('GET', `/cycles/${y2}/links`, as.coordinator)).body.links;
    const revoked = await call('POST', `/cycles/${y2}/links/${first.linkId}/revoke`, as.coordinator, {
      reason: `${STAFF} has left the agency`,
    });
    expect(revoked.status).toBe(200);
    // A link revoked before reasons on a cycle were held apart: its reason is in its event row.
    const streamId = `cycle:${y2}`;
    const cycleVersion = async () => (await call('GET', `/cycles/${y2}`, as.coordinator)).body.version;
    await appendAsBefore(streamId, await cycleVersion(), {
      type: 'SubmissionLinkRevoked',
      data: { linkId: first.linkId, reason: 'Asked by Sam Cycle-Inline.' },
    });
    const closed = await call('POST', `/cycles/${y2}/close`, as.coordinator, {
      force: true,
      reason: `Closed without waiting for ${STAFF}`,
    });
    expect(closed.status).toBe(200);
    await heldApartOnly(STAFF);

    const redactY2 = (headers: Record<string, string>, body: object) =>
      call('POST', `/cycles/${y2}/redactions`, headers, body);
    const asked = { passage: STAFF, reason: 'Names a member of staff' };
    const version = await cycleVersion();
    expect((await redactY2(as.reviewer, asked)).status).toBe(403);
    expect((await redactY2(as.otherCoordinator, asked)).status).toBe(404);
    const inline = await redactY2(as.coordinator, { ...asked, passage: 'Sam Cycle-Inline' });
    expect(inline.status).toBe(422);
    expect(inline.headers.get('content-type')).toContain('application/problem+json');
    expect(inline.body).toMatchObject({
      code: 'reason-held-in-log',
      errors: [expect.objectContaining({ field: 'passage', rule: 'reason-held-in-log' })],
    });
    const notThere = await redactY2(as.coordinator, { ...asked, passage: 'Nobody at all' });
    expect(notThere.body).toMatchObject({
      code: 'passage-not-found',
      errors: [expect.objectContaining({ field: 'passage', rule: 'passage-not-found' })],
    });
    const repeats = await redactY2(as.coordinator, { ...asked, reason: `${STAFF} asked` });
    expect(repeats.body).toMatchObject({ code: 'reason-holds-passage' });
    expect(await cycleVersion()).toBe(version);

    const held = await logCommand(logDigest, ['--checkpoint']);
    const done = await redactY2(as.coordinator, asked);
    expect([done.status, done.body.code]).toEqual([200, undefined]);
    // The revoked link's reason and the forced close's.
    expect(done.body).toMatchObject({ id: y2, status: 'redacted', textsChanged: 2, version: version + 1 });
    expect(done.headers.get('etag')).toBe(`"${version + 1}"`);
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    // No page shows these reasons; the log does, as every reader of the cycle's events reads them.
    const shown = async () => {
      const events = await product.store.readStream(streamId);
      const reasons = events
        .filter((e) => e.type === 'CycleClosed' || e.type === 'SubmissionLinkRevoked')
        .map((e) => (e.data as { reason: string }).reason);
      expect(reasons).toEqual(
        expect.arrayContaining(['[redacted] has left the agency', 'Closed without waiting for [redacted]']),
      );
      const pages = await pagesAsRead([[`/coordinate/cycles/${y2}`, as.coordinator]]);
      return [JSON.stringify(events), ...pages].join('\n');
    };
    expect(await shown()).not.toContain(STAFF);
    const [{ data }] = await product.db.dataSource.query(
      `SELECT data FROM events WHERE type = 'CyclePassageRedacted'`,
    );
    expect(data).toMatchObject({ field: 'reasons', passageLength: STAFF.length, reason: asked.reason });
    await goneForGood(STAFF, shown);
  }, 120_000);
  // Issue 17 point 3: why a file was removed from a return ("the photo shows ...") was left in the log for good.
  it('redacts a passage from the reason a file was removed, with the return’s other reasons: held apart, [redacted] in the history and after a rebuild', async () => {
    const WHO = 'Lee Filed-Example';
    const y3 = await openYear('y3-2021-22', 'Year 3 2021/22', '2021');
    const s1 = `${y3}.S1`;
    const { agencyId } = (await call('GET', `/returns/${s1}`, as.coordinator)).body;
    const photo = await attachEvidenceForTest(product.store, { returnId: s1, agencyId, title: 'Photo' });
    const older = await attachEvidenceForTest(product.store, { returnId: s1, agencyId, title: 'Old photo' });
    const removed = await call('DELETE', `/returns/${s1}/evidence/${photo}`, as.coordinator, {
      reason: `The photo shows ${WHO}`,
    });
    expect(removed.status).toBe(200);
    await heldApartOnly(WHO);
    // A file removed before removal reasons were held apart: its reason is in its event row.
    const files = `evidence:${s1}`;
    await appendAsBefore(files, (await product.store.readStream(files)).length, {
      type: 'EvidenceRemoved',
      data: { evidenceId: older, reason: 'Asked by Sam File-Inline.', removedAt: new Date().toISOString() },
    });

    const redactS1 = (body: object) => call('POST', `/returns/${s1}/redactions`, as.coordinator, body);
    const asked = { field: 'reasons', passage: WHO, reason: 'Names a young person' };
    const inline = await redactS1({ ...asked, passage: 'Sam File-Inline' });
    expect(inline.status).toBe(422);
    expect(inline.body).toMatchObject({
      code: 'reason-held-in-log',
      errors: [expect.objectContaining({ field: 'passage', rule: 'reason-held-in-log' })],
    });
    const held = await logCommand(logDigest, ['--checkpoint']);
    const done = await redactS1(asked);
    expect([done.status, done.body.code]).toEqual([200, undefined]);
    expect(done.body).toMatchObject({ status: 'redacted', textsChanged: 1 });
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    const shown = async () => {
      const events = await product.store.readStream(files);
      const removal = events.find(
        (e) => e.type === 'EvidenceRemoved' && (e.data as { evidenceId: string }).evidenceId === photo,
      );
      expect((removal?.data as { reason: string }).reason).toBe('The photo shows [redacted]');
      const pages = await pagesAsRead([
        [`/coordinate/returns/${s1}`, as.coordinator],
        [`/review/returns/${s1}`, as.reviewer],
      ]);
      expect(pages[0]).toContain('The photo shows [redacted]');
      return [JSON.stringify(events), ...pages].join('\n');
    };
    expect(await shown()).not.toContain(WHO);
    await goneForGood(WHO, shown);
  }, 120_000);
});
