import { AuthService } from '../libs/auth/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { runPersonForget } from '../scripts/person-forget-command.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { untilEventsVisible } from './support/test-database.js';
import { projectionsSettled } from './support/reporting.js';
import { postPageForm } from './support/page-form.js';
import { runScript } from './support/run-script.js';

/**
 * Issue 17 point 2: a forgotten person's name and address are unreadable everywhere, history and rebuilt read
 * models included, which show [erased]; no event row is rewritten; everyone else is as they were; and mail to
 * them is no longer sent, the ledger saying why.
 */
describe('forget this person (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const priya = csp.contacts.find((c) => c.role === 'lead')!; // the lead who writes S1
  const tom = csp.contacts.find((c) => c.role === 'senior')!; // her colleague, not forgotten
  const reason = 'Erasure asked for under UK GDPR article 17';

  /** Every place in the database a value could sit: each text, JSON and array column of every table. */
  async function whereIs(text: string): Promise<string[]> {
    const columns: { table_name: string; column_name: string }[] = await product.db.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name: t, column_name: c } of columns) {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM "${t}" WHERE strpos(lower("${c}"::text), lower($1)) > 0`,
        [text],
      );
      if (n > 0) found.push(`${t}.${c} (${n})`);
    }
    return found;
  }

  /** `npm run log:digest` / `log:verify` as an operator runs them, on this product's database. */
  const logCommand = async (command: typeof logVerify, args: string[]) => {
    const { code, out } = await runScript(command, { DATABASE_URL: product.db.url }, args);
    return { code, out };
  };

  /** The log's rows as they stand, to prove forgetting rewrites none of them. */
  const rows = async () =>
    (await product.db.dataSource.query(
      `SELECT global_position, md5(data::text || metadata::text) AS digest FROM events ORDER BY global_position`,
    )) as { global_position: string; digest: string }[];

  beforeAll(async () => {
    product = await startProduct('forget_person');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    expect(
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2'] })).status,
    ).toBe(200);
    // Priya's link mail goes out, she writes S1, sends it, and writes on its thread.
    await eventually(async () => product.smtp.mails.some((m) => m.to.includes(priya.email)));
    const me = as.lead('sevenoaks-csp');
    const s1 = `${cycleId}.S1`;
    expect(
      (
        await call('PUT', `/returns/${s1}/draft`, me, {
          rag: 'green',
          narrative: 'On track',
          dot: 'improving',
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/returns/${s1}/submit`, me)).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/messages`, me, { body: 'Figures to follow' })).status).toBe(
      201,
    );
  }, 90_000);
  afterAll(() => product.stop());

  it('keeps names and addresses out of the log from the start', async () => {
    const [{ text }] = await product.db.dataSource.query(
      `SELECT string_agg(data::text || ' ' || metadata::text, ' ') AS text FROM events`,
    );
    for (const clear of [priya.email, priya.name, tom.email, tom.name]) expect(text).not.toContain(clear);
    // Read through the store, they are what was written.
    const history = await call('GET', `/returns/${cycleId}.S1`, as.coordinator);
    expect(history.body.history.map((h: { actorId: string }) => h.actorId)).toContain(priya.email);
  });

  it('is the coordinator’s alone, for their own partnership’s people, with a reason that does not name them', async () => {
    const body = { email: priya.email, reason };
    expect((await call('POST', '/partnership/people/forget', as.reviewer, body)).status).toBe(403);
    expect((await call('POST', '/partnership/people/forget', as.lead('sevenoaks-csp'), body)).status).toBe(
      403,
    );
    const other = await call('POST', '/partnership/people/forget', as.otherCoordinator, body);
    expect(other.status).toBe(404);
    const stranger = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: 'nobody@nowhere.example.org',
      reason,
    });
    expect(stranger.status).toBe(404);
    const noReason = await call('POST', '/partnership/people/forget', as.coordinator, { email: priya.email });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const naming = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: priya.email,
      reason: `${priya.name} wrote to ask`,
    });
    expect(naming.status).toBe(422);
    expect(naming.body.errors).toEqual([
      expect.objectContaining({ field: 'reason', rule: 'reason-names-person' }),
    ]);
    // Nothing happened: she is still readable.
    const plan = await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.coordinator);
    expect(JSON.stringify(plan.body)).toContain(priya.email);
  });

  it('makes her [erased] everywhere, rewrites no event row, and leaves everyone else as they were', async () => {
    await untilEventsVisible(product.db.dataSource);
    const before = await rows();
    // The digest an operator holds outside the database from before the forgetting (issue 17 point 1).
    const held = await logCommand(logDigest, ['--checkpoint']);
    expect(held.code).toBe(0);
    const done = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: priya.email,
      reason,
    });
    expect(done.status).toBe(200);
    await untilEventsVisible(product.db.dataSource);
    // Forgetting deletes a key and rewrites no row: the log still verifies, against the old digest and a new one.
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });
    const checkpoint = await logCommand(logDigest, ['--checkpoint']);
    expect(await logCommand(logVerify, ['--digest', checkpoint.out])).toMatchObject({
      code: 0,
      out: expect.stringContaining('Verified'),
    });
    expect(done.body).toMatchObject({ id: expect.any(String), status: 'forgotten' });

    // The log: the same rows, and one more, PersonForgotten, holding her id and the reason only.
    const after = await rows();
    expect(after.slice(0, before.length)).toEqual(before);
    const forgotten = await product.db.dataSource.query(
      `SELECT stream_id, data, metadata FROM events WHERE type = 'PersonForgotten'`,
    );
    expect(forgotten).toEqual([
      {
        stream_id: `person:${done.body.id}`,
        data: { personId: done.body.id, reason },
        metadata: expect.objectContaining({ actorRole: 'coordinator' }),
      },
    ]);

    // History (JSON and page), the thread, the agencies: [erased] where she was.
    const s1 = await call('GET', `/returns/${cycleId}.S1`, as.coordinator);
    const actors = s1.body.history.map((h: { actorId: string }) => h.actorId);
    expect(actors).toContain('[erased]');
    expect(JSON.stringify(s1.body)).not.toMatch(new RegExp(`${priya.email}|${priya.name}`, 'i'));
    const thread = await call('GET', `/returns/${cycleId}.S1/messages`, as.coordinator);
    expect(JSON.stringify(thread.body)).toContain('[erased]');
    expect(JSON.stringify(thread.body)).not.toContain(priya.email);
    const page = await (
      await fetch(`${product.baseUrl}/coordinate/returns/${cycleId}.S1`, {
        headers: { ...as.coordinator, accept: 'text/html' },
      })
    ).text();
    expect(page).toContain('[erased]');
    expect(page).not.toMatch(new RegExp(`${priya.email}|${priya.name}`, 'i'));
    const agencies = JSON.stringify(
      (await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.coordinator)).body,
    );
    expect(agencies).toContain('[erased]');
    expect(agencies).not.toMatch(new RegExp(`${priya.email}|${priya.name}`, 'i'));
    expect(agencies).toContain(tom.email);
    expect(agencies).toContain(tom.name);

    // Her session ended with her.
    expect((await call('GET', `/returns/${cycleId}.S1`, as.lead('sevenoaks-csp'))).status).toBe(401);

    // Nowhere in the database, in any table.
    expect(await whereIs(priya.email)).toEqual([]);
    expect(await whereIs(priya.name)).toEqual([]);

    // Forgetting her again: she is no longer known by that address.
    expect(
      (await call('POST', '/partnership/people/forget', as.coordinator, { email: priya.email, reason }))
        .status,
    ).toBe(404);
  });

  it('sends her no more mail, and the chase ledger says why', async () => {
    const sentBefore = product.smtp.mails.length;
    expect(
      (await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-csp/chase`, as.coordinator)).status,
    ).toBe(202);
    const failed = await eventually(async () => {
      const events = await product.store.readStream(`chase:${cycleId}:sevenoaks-csp`);
      return events.find((e) => e.type === 'ReminderDeliveryFailed');
    });
    expect(failed.data).toMatchObject({
      recipient: '[erased]',
      permanent: true,
      reason: expect.stringMatching(/forgotten/),
    });
    // The chase log's read model says so too, and the mail server got nothing for her.
    const mailRow = await eventually(async () => {
      const [row] = await product.db.dataSource.query(
        `SELECT recipient, state, reason FROM chase_mails WHERE cycle_id = $1 AND step = 'now-1'`,
        [cycleId],
      );
      return row?.state === 'failed' ? row : null;
    });
    expect(mailRow).toEqual({
      recipient: '[erased]',
      state: 'failed',
      reason: expect.stringMatching(/forgotten/),
    });
    expect(product.smtp.mails.slice(0, sentBefore).some((m) => m.to.includes(priya.email))).toBe(true); // before
    expect(product.smtp.mails.slice(sentBefore).some((m) => m.to.includes(priya.email))).toBe(false);
  });

  it('rebuilds every read model after the forgetting, with [erased] where she was and her nowhere', async () => {
    const out: string[] = [];
    const code = await projectionsRebuild(
      { DATABASE_URL: product.db.url, NODE_ENV: 'test' },
      { write: (t: string) => out.push(t) },
      { write: () => true },
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^Replayed [\d,]+ events/);
    expect(await whereIs(priya.email)).toEqual([]);
    expect(await whereIs(priya.name)).toEqual([]);
    const report = await fetch(`${product.baseUrl}/cycles/${cycleId}/report`, {
      headers: { ...as.coordinator, accept: 'text/html' },
    });
    expect(report.status).toBe(200);
    expect(await report.text()).not.toMatch(new RegExp(`${priya.email}|${priya.name}`, 'i'));
  });

  it('forgets a member of staff too: their account goes, what they did reads [erased], not themselves', async () => {
    const raj = STAFF.reviewer2;
    const s1 = `${cycleId}.S1`;
    expect(
      (await call('POST', `/returns/${s1}/messages`, as.reviewer2, { body: 'Noted, thanks' })).status,
    ).toBe(201);
    const mine = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: STAFF.coordinator.toUpperCase(),
      reason,
    });
    expect(mine.status).toBe(422);
    expect(mine.body.errors).toEqual([expect.objectContaining({ field: 'email', rule: 'forget-self' })]);
    // A reason naming her with its accents typed decomposed (NFD), as macOS pastes them, names her all the same.
    const zoe = { email: 'zoe@sevenoaks.example.org', name: 'Zoë Núñez' };
    await product.api.get(AuthService).createStaff({
      partnershipId: 'sevenoaks-lsp',
      ...zoe,
      role: 'reviewer',
      password: PASSWORD,
    });
    const decomposed = await call('POST', '/partnership/people/forget', as.coordinator, {
      email: zoe.email,
      reason: `${zoe.name.normalize('NFD').toLowerCase()} asked by phone`,
    });
    expect([decomposed.status, decomposed.body.code]).toEqual([422, 'reason-names-person']);
    expect(
      (await call('POST', '/partnership/people/forget', as.coordinator, { email: zoe.email, reason })).status,
    ).toBe(200);
    // Another partnership's member of staff is not this coordinator's to forget.
    expect(
      (
        await call('POST', '/partnership/people/forget', as.coordinator, {
          email: STAFF.otherCoordinator,
          reason,
        })
      ).status,
    ).toBe(404);

    await untilEventsVisible(product.db.dataSource);
    const held = await logCommand(logDigest, ['--checkpoint']);
    const done = await call('POST', '/partnership/people/forget', as.coordinator, { email: raj, reason });
    expect(done).toMatchObject({ status: 200, body: { status: 'forgotten' } });
    await untilEventsVisible(product.db.dataSource);
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    // Signed out for good, and gone from the staff list; the thread keeps the message, by [erased].
    expect((await call('GET', `/returns/${s1}`, as.reviewer2)).status).toBe(401);
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM staff_accounts WHERE lower(email) = lower($1)`,
      [raj],
    );
    expect(n).toBe(0);
    const thread = JSON.stringify((await call('GET', `/returns/${s1}/messages`, as.coordinator)).body);
    expect(thread).toContain('Noted, thanks');
    expect(thread).not.toContain(raj);
    expect(await whereIs(raj)).toEqual([]);
    // Everyone else is as they were.
    expect((await call('GET', `/returns/${s1}`, as.reviewer)).status).toBe(200);
    expect(
      (await call('POST', '/partnership/people/forget', as.coordinator, { email: raj, reason })).status,
    ).toBe(404);
  });

  it('documents the route in the OpenAPI document, with its body and the Idempotency-Key header (no If-Match: no version to state)', async () => {
    const doc = (await call('GET', '/api/docs-json', {})).body;
    const operation = doc.paths['/partnership/people/forget'].post;
    expect(operation.summary).toMatch(/Forget a person/);
    const headers = operation.parameters.filter((p: { in: string }) => p.in === 'header');
    expect(headers.map((h: { name: string }) => h.name).sort()).toEqual(['Idempotency-Key']);
    expect(doc.components.schemas.ForgetPersonDto.required).toEqual(['email', 'reason']);
  });

  describe('the page, without JavaScript', () => {
    const kent = sevenoaksPlan().agencies.find((a) => a.id === 'kent-cc')!;
    const fiona = kent.contacts.find((c) => c.name === 'Fiona Marsh')!;
    const path = `/coordinate/plan/contact/${encodeURIComponent(`kent-cc~${fiona.email}`)}/forget`;
    const html = (): Record<string, string> => ({ ...as.coordinator, accept: 'text/html' });

    /** Posts the page's form as a browser would: with the CSRF token and cookie that page handed out. */
    const post = (fields: Record<string, string>, at = path) =>
      postPageForm(product.baseUrl, { from: at, headers: html(), fields });

    it('is offered beside each contact on the plan page, and says what will happen before asking why', async () => {
      const plan = await (await fetch(`${product.baseUrl}/coordinate/plan`, { headers: html() })).text();
      expect(plan).toContain(`href="${path}"`);
      const page = await fetch(`${product.baseUrl}${path}`, { headers: html() });
      expect(page.status).toBe(200);
      const text = await page.text();
      expect(text).toContain('Forget Fiona Marsh?');
      expect(text).toContain('This cannot be undone');
      expect(text).toMatch(/<form method="post" action="[^"]+forget"/);
      expect(text).toContain('govuk-button--warning');
      // Another partnership's coordinator, or a contact that is not there: the GOV.UK 404 page.
      const other = await fetch(`${product.baseUrl}${path}`, {
        headers: { ...as.otherCoordinator, accept: 'text/html' },
      });
      expect(other.status).toBe(404);
    });

    it('asks again, GOV.UK style, for a reason that is missing or names her, keeping what was typed', async () => {
      const missing = await post({ reason: '' });
      expect(missing.status).toBe(422);
      const noReason = missing.html;
      expect(noReason).toContain('<title>Error:');
      expect(noReason).toContain('govuk-error-summary');
      expect(noReason).toContain('href="#reason"');
      const naming = await post({ reason: 'Fiona Marsh moved away' });
      expect(naming.status).toBe(422);
      const named = naming.html;
      expect(named).toContain('must not give their name or email address');
      expect(named).toContain('Fiona Marsh moved away</textarea>');
      // Nothing happened: she is still readable.
      const agencies = await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.coordinator);
      expect(JSON.stringify(agencies.body)).toContain(fiona.email);
    });

    it('forgets her, back on the plan page with a banner and [erased] where she was', async () => {
      const done = await post({ reason: 'Left the council; erasure asked for' });
      expect(done.status).toBe(303);
      expect(done.location).toMatch(/^\/coordinate\/plan\?done=Person%20forgotten/);
      const plan = await (await fetch(`${product.baseUrl}${done.location}`, { headers: html() })).text();
      expect(plan).toContain('Person forgotten');
      expect(plan).toContain('[erased]');
      expect(plan).not.toContain(fiona.email);
      expect(plan).not.toContain(fiona.name);
      expect(await whereIs(fiona.email)).toEqual([]);
      expect((await fetch(`${product.baseUrl}${path}`, { headers: html() })).status).toBe(404);
    });

    it('forgets a member of staff from their page on the staff list, never the coordinator themselves', async () => {
      const idOf = async (email: string) =>
        (
          await product.db.dataSource.query(`SELECT staff_id FROM staff_accounts WHERE email = $1`, [email])
        )[0].staff_id as string;
      const vic = await idOf(STAFF.viewer);
      const at = `/coordinate/staff/${vic}/forget`;
      const member = await (
        await fetch(`${product.baseUrl}/coordinate/staff/${vic}`, { headers: html() })
      ).text();
      expect(member).toContain(`href="${at}"`);
      const page = await (await fetch(`${product.baseUrl}${at}`, { headers: html() })).text();
      expect(page).toContain('their account is deleted');
      const own = await fetch(`${product.baseUrl}/coordinate/staff/${await idOf(STAFF.coordinator)}/forget`, {
        headers: html(),
      });
      expect(own.status).toBe(404);
      expect((await post({ reason: '' }, at)).status).toBe(422);
      const done = await post({ reason: 'Left the partnership; erasure asked for' }, at);
      expect(done.status).toBe(303);
      expect(done.location).toMatch(/^\/coordinate\/staff\?done=Person%20forgotten/);
      const list = await (await fetch(`${product.baseUrl}/coordinate/staff`, { headers: html() })).text();
      expect(list).not.toContain(STAFF.viewer);
      expect((await call('GET', '/cycles', as.viewer)).status).toBe(401);
    });
  });

  it('opens a later cycle for her agency, its links going to the leads who are still someone', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'After forgetting',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    const opened = await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, {
      measureRefs: ['S1', 'C1'],
    });
    expect(opened.status).toBe(200);
    const links = await call('GET', `/cycles/${drafted.body.id}/links`, as.coordinator);
    const to = links.body.links.map((l: { agencyId: string; contactEmail: string }) => [
      l.agencyId,
      l.contactEmail,
    ]);
    expect(to).not.toContainEqual(['sevenoaks-csp', '[erased]']);
    expect(to).toContainEqual(['sevenoaks-dc', 'hannah.okafor@example.org']);
    // A new link for her agency has no one to go to: refused saying so (the page said "sent", the API 500).
    const cycle = encodeURIComponent(drafted.body.id);
    const events = async () =>
      (await product.store.readStream(`cycle:${drafted.body.id}`)).map((e) => e.type).join(' ');
    const before = await events();
    const reissued = await call(
      'POST',
      `/cycles/${cycle}/agencies/sevenoaks-csp/links/reissue`,
      as.coordinator,
      {
        reason: 'Lost her mail',
      },
    );
    expect([reissued.status, reissued.body.code]).toEqual([409, 'no-lead-contact']);
    const page = await postPageForm(product.baseUrl, {
      from: `/coordinate/cycles/${cycle}/links`,
      to: `/coordinate/cycles/${cycle}/links/agencies/sevenoaks-csp/reissue`,
      headers: as.coordinator,
      fields: { reason: 'Lost her mail' },
    });
    // On the links page again (409, the rule in the error summary), the reason typed still in its box.
    expect(page.status).toBe(409);
    expect(page.html).toMatch(/<title>Error: Links: After forgetting/);
    expect(page.html).toContain(
      'href="#reason-reissue-sevenoaks-csp">No new link was sent: the agency has no lead contact',
    );
    expect(page.html).toMatch(
      /id="reason-reissue-sevenoaks-csp" name="reason" type="text" value="Lost her mail"/,
    );
    expect(await events()).toBe(before);
  });

  // From here on the other partnership's plan lists Tom and Rita: no test forgets them in Sevenoaks.
  it('reaches no other partnership’s people or rows, whatever another coordinator lists in their own plan', async () => {
    const other = sevenoaksPlan();
    other.partnership.id = 'other-lsp';
    for (const agency of other.agencies) for (const c of agency.contacts) c.email = `other.${c.email}`;
    other.agencies[0].contacts.push(
      // Sevenoaks' agency contact and one of its staff.
      { name: tom.name, email: tom.email, role: 'senior' },
      { name: 'Rita', email: STAFF.reviewer, role: 'senior' },
      // Names that are Sevenoaks' id and a return's status, and an address that ends Sevenoaks' coordinator's.
      { name: 'sevenoaks-lsp', email: 'decoy@other.example.org', role: 'senior' },
      { name: 'submitted', email: 'ra@sevenoaks.example.org', role: 'senior' },
    );
    await importPlan(product.store, other, {
      actorId: 'test',
      actorRole: 'coordinator',
      correlationId: 'other',
    });
    const sevenoaks = async () => ({
      staff: await product.db.dataSource.query(
        `SELECT partnership_id, email, name FROM staff_accounts WHERE partnership_id = 'sevenoaks-lsp' ORDER BY email`,
      ),
      sessions: await product.db.dataSource.query(
        `SELECT partnership_id, actor_id, count(*)::int AS n FROM sessions GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
      cycles: await product.db.dataSource.query(
        `SELECT cycle_id, partnership_id FROM report_cycles ORDER BY 1`,
      ),
      statuses: await product.db.dataSource.query(`SELECT return_id, status FROM return_status ORDER BY 1`),
      agencies: (await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.coordinator)).body,
    });
    // The read models have caught up with the cycle opened before (its returns' statuses come from the worker).
    await projectionsSettled(product);
    const before = await sevenoaks();
    expect(JSON.stringify(before.agencies)).toContain(tom.email);

    for (const email of [tom.email, STAFF.reviewer]) {
      const refused = await call('POST', '/partnership/people/forget', as.otherCoordinator, {
        email,
        reason,
      });
      expect([email, refused.status, refused.body.code]).toEqual([email, 409, 'person-in-other-partnership']);
    }
    for (const email of ['decoy@other.example.org', 'ra@sevenoaks.example.org']) {
      const done = await call('POST', '/partnership/people/forget', as.otherCoordinator, { email, reason });
      expect([email, done.status]).toEqual([email, 200]);
    }
    await projectionsSettled(product);
    expect(await sevenoaks()).toEqual(before);
    expect((await call('GET', `/cycles/${cycleId}/report`, as.coordinator)).status).toBe(200);

    // The service's operator can forget them, in both partnerships at once.
    const operator = { email: tom.email, reason, by: 'cli:operator' };
    const lines = await runPersonForget(product.db.dataSource, new SystemClock(), operator);
    expect(lines[0]).toMatch(/^Forgotten: person \S+, in other-lsp, sevenoaks-lsp\./);
    const agencies = async (headers: Record<string, string>, partnershipId: string) =>
      JSON.stringify((await call('GET', `/partnerships/${partnershipId}/agencies`, headers)).body);
    // (The other partnership's own "other.tom.greaves@…" is someone else: the address is compared whole.)
    expect(await agencies(as.coordinator, 'sevenoaks-lsp')).not.toContain(`"${tom.email}"`);
    expect(await agencies(as.otherCoordinator, 'other-lsp')).not.toContain(`"${tom.email}"`);
    expect(await agencies(as.otherCoordinator, 'other-lsp')).toContain(`"other.${tom.email}"`);
    // Rita: Sevenoaks' reviewer, the other partnership's contact. Her account goes; nobody else's does.
    await runPersonForget(product.db.dataSource, new SystemClock(), { ...operator, email: STAFF.reviewer });
    expect((await call('GET', '/cycles', as.reviewer)).status).toBe(401);
    expect((await call('GET', '/cycles', as.coordinator)).status).toBe(200);
    await expect(
      runPersonForget(product.db.dataSource, new SystemClock(), {
        ...operator,
        email: 'nobody@nowhere.example.org',
      }),
    ).rejects.toThrow('person-not-found');
  });
});
