import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { FixedClock } from '../libs/kernel/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { RetentionRun } from '../libs/returns/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { pdfFile } from './support/evidence-files.js';
import { multipartBody, MULTIPART_TYPE } from './support/multipart.js';
import {
  as,
  eventually,
  http,
  PASSWORD,
  Product,
  STAFF,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';
import { projectionsSettled } from './support/reporting.js';
import { untilEventsVisible } from './support/test-database.js';
import { runScript } from './support/run-script.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Issue 17 point 5: retention periods a partnership sets are applied by the worker's daily run. With short
 * periods and the clock moved on (passed in, never slept), a contact who left the plan is forgotten through the
 * same path as "Forget this person" (by the system, reason "Retention period"), the bytes of an old cycle's
 * evidence go (its hash stays), copies of mail and ended sessions go, nothing else does, the log still verifies,
 * and a second run changes nothing.
 */
describe('retention periods (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const clock = new FixedClock(new Date());
  const plan = sevenoaksPlan();
  const csp = plan.agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const priya = csp.contacts.find((c) => c.role === 'lead')!; // writes S1, then leaves the plan
  const tom = csp.contacts.find((c) => c.role === 'senior')!; // stays
  // A reviewer listed as the CSP's senior contact too, who leaves the plan with Priya but stays on the staff.
  const raj = { name: 'Raj Reviewer', email: STAFF.reviewer2, role: 'senior' as const };
  const s1 = () => `${cycleId}.S1`;

  const logCommand = async (command: typeof logVerify, args: string[]) => {
    const { code, out } = await runScript(command, { DATABASE_URL: product.db.url }, args);
    return { code, out };
  };
  const count = async (sql: string, params: unknown[] = []) =>
    ((await product.db.dataSource.query(sql, params)) as { n: number }[])[0].n;
  const eventRows = async () =>
    (await product.db.dataSource.query(
      `SELECT global_position, md5(data::text || metadata::text) AS digest FROM events ORDER BY global_position`,
    )) as { global_position: string; digest: string }[];

  let restarted: INestApplicationContext | null = null;

  beforeAll(async () => {
    product = await startProduct('retention', clock);
    await importPlan(
      product.store,
      {
        ...plan,
        agencies: plan.agencies.map((a) => (a.id === csp.id ? { ...a, contacts: [...a.contacts, raj] } : a)),
      },
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-import' },
    );
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
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1'] })).status,
    ).toBe(200);
    await eventually(async () => product.smtp.mails.some((m) => m.to.includes(priya.email)));
    const me = as.lead('sevenoaks-csp');
    expect(
      (
        await call('PUT', `/returns/${s1()}/draft`, me, {
          rag: 'green',
          narrative: 'On track',
          dot: 'improving',
        })
      ).status,
    ).toBe(200);
    const upload = await fetch(`${product.baseUrl}/returns/${s1()}/evidence`, {
      method: 'POST',
      headers: { ...me, 'content-type': MULTIPART_TYPE },
      body: multipartBody({}, { fileName: 'sheet.pdf', type: 'application/pdf', content: await pdfFile() }),
    });
    expect(upload.status).toBe(201);
    // Raj works as the reviewer he is: his message is his, read back by his address after the run.
    expect(
      (await call('POST', `/returns/${s1()}/messages`, as.reviewer2, { body: 'Thank you for the figures' }))
        .status,
    ).toBe(201);
    const closed = await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {
      force: true,
      reason: 'Closed for the retention test',
    });
    expect(closed.status).toBe(200);
    // Priya leaves the plan (and Raj with her, as the CSP's contact): the partnership imports its plan without her.
    await importPlan(
      product.store,
      {
        ...plan,
        agencies: plan.agencies.map((a) =>
          a.id === csp.id ? { ...a, contacts: a.contacts.filter((c) => c.email !== priya.email) } : a,
        ),
      },
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-reimport' },
    );
    await projectionsSettled(product);
    await eventually(async () =>
      (await count(`SELECT count(*)::int AS n FROM report_cycles WHERE closed_at IS NOT NULL`)) === 1
        ? true
        : null,
    );
  }, 120_000);
  afterAll(async () => {
    await restarted?.close();
    await product.stop();
  });

  // An operator's review: a worker started on a new database made a retention run at once and said it had made
  // the run the schedule missed, though none was ever due there.
  it('runs nothing on a database where no run has ended: it notes when runs begin', async () => {
    const retention = product.worker.get(RetentionRun);
    // The worker started on this new database noted its start, and ran nothing.
    await eventually(async () => (await retention.lastRun()) !== null, 10_000);
    expect(await retention.lastRun()).toEqual(clock.now());
    await product.db.dataSource.query(`DELETE FROM retention_runs`);
    const startedAt = new Date(clock.now().getTime() + 60_000);
    expect(await retention.catchUp(startedAt)).toBeNull();
    expect(await retention.lastRun()).toEqual(startedAt);
    // A day on, the run is due as after any other: the catch-up makes it if the 03:15 did not.
    const dayOn = new Date(startedAt.getTime() + DAY);
    expect(await retention.catchUp(dayOn)).not.toBeNull();
    expect(await retention.lastRun()).toEqual(dayOn);
    // The run noted a day on: the tests after this one start from the clock's time again.
    await product.db.dataSource.query(`DELETE FROM retention_runs`);
    await retention.catchUp(clock.now());
  });

  it('starts from the defaults, and takes whole numbers within bounds only, naming the field', async () => {
    const got = await call('GET', '/partnership/retention', as.coordinator);
    expect(got.body).toEqual({
      contactMonths: 24,
      mailDays: 90,
      sessionDays: 30,
      evidenceYears: 6,
      set: false,
      version: 0,
    });
    const periods = { contactMonths: 1, mailDays: 1, sessionDays: 1, evidenceYears: 1 };
    const zero = await call('PUT', '/partnership/retention', as.coordinator, {
      ...periods,
      contactMonths: 0,
    });
    expect([400, 422]).toContain(zero.status);
    expect(JSON.stringify(zero.body)).toContain('contactMonths');
    const half = await call('PUT', '/partnership/retention', as.coordinator, { ...periods, mailDays: 1.5 });
    expect([400, 422]).toContain(half.status);
    expect(JSON.stringify(half.body)).toContain('mailDays');
    expect((await call('PUT', '/partnership/retention', as.reviewer, periods)).status).toBe(403);
    const set = await call('PUT', '/partnership/retention', as.coordinator, periods);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ ...periods, set: true, version: 1 });
    const stale = await call(
      'PUT',
      '/partnership/retention',
      { ...as.coordinator, 'if-match': '"0"' },
      periods,
    );
    expect(stale.status).toBe(409);
    const [event] = await product.db.dataSource.query(
      `SELECT stream_id, data, metadata FROM events WHERE type = 'RetentionPeriodsSet'`,
    );
    expect(event).toMatchObject({
      stream_id: 'retention:sevenoaks-lsp',
      data: { partnershipId: 'sevenoaks-lsp', ...periods },
      metadata: expect.objectContaining({ actorRole: 'coordinator' }),
    });
    // The coordinator's alone (the roles walk lists these routes too); a page form needs its CSRF token.
    // (Priya, the CSP's lead, left the plan above, and her link session ended with it.)
    expect((await call('GET', '/partnership/retention', as.lead('sevenoaks-csp'))).status).toBe(401);
    for (const who of [as.reviewer, as.viewer, as.lead('sevenoaks-dc')])
      for (const path of ['/partnership/retention', '/partnership/retention/due', '/coordinate/retention'])
        expect((await call('GET', path, who)).status).toBe(403);
    expect((await call('GET', '/partnership/retention', {})).status).toBe(401);
    const cookie = (
      await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD })
    ).headers
      .get('set-cookie')!
      .split(';')[0];
    const forged = await fetch(`${product.baseUrl}/coordinate/retention`, {
      method: 'POST',
      headers: { cookie, origin: product.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'contactMonths=1&mailDays=1&sessionDays=1&evidenceYears=1',
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect((await call('GET', '/partnership/retention', as.coordinator)).body.version).toBe(1);
    // Another partnership's are its own.
    expect((await call('GET', '/partnership/retention', as.otherCoordinator)).body.set).toBe(false);
  });

  it('forgets the contact who left, deletes old evidence bytes, mail copies and ended sessions; twice is once', async () => {
    const later = new Date(clock.now().getTime() + 400 * DAY);
    // A copy of mail caught long ago and one caught "today" (the run's today); a session that has not ended.
    await product.db.dataSource.query(
      `INSERT INTO dev_mail (received_at, mail_from, rcpt_to, subject, text_body)
       VALUES ($1, 'service@example.org', ARRAY[$2], 'Old', 'old body'), ($3, 'service@example.org', ARRAY[$4], 'New', 'new body')`,
      [clock.now().toISOString(), priya.email, later.toISOString(), tom.email],
    );
    await product.db.dataSource.query(
      `INSERT INTO sessions (session_hash, kind, partnership_id, actor_id, role, expires_at)
       VALUES ('retention-test-live', 'link', 'sevenoaks-lsp', 'someone', 'agency-lead', $1)`,
      [new Date(later.getTime() + DAY).toISOString()],
    );
    const sessionsBefore = await count(`SELECT count(*)::int AS n FROM sessions`);
    expect(sessionsBefore).toBeGreaterThan(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM owed_mails WHERE settled_at IS NOT NULL`),
    ).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM evidence_objects`)).toBe(1);

    await untilEventsVisible(product.db.dataSource);
    const held = await logCommand(logDigest, ['--checkpoint']);
    expect(held.code).toBe(0);
    const before = await eventRows();

    // The dry run, as the coordinator's page shows it, with the clock moved on.
    clock.set(later);
    const due = await call('GET', '/partnership/retention/due', as.coordinator);
    expect(due.status).toBe(200);
    expect(due.body.contacts).toEqual([
      expect.objectContaining({ email: priya.email, name: priya.name, agencyId: 'sevenoaks-csp' }),
    ]);
    expect(due.body.evidence).toEqual([expect.objectContaining({ returnId: s1(), evidenceId: 'e1' })]);
    expect(due.body.sessions).toBeGreaterThan(0);
    expect((await call('GET', '/partnership/retention/due', as.otherCoordinator)).body.contacts).toEqual([]);

    const retention = product.worker.get(RetentionRun);
    const first = await retention.run(clock.now());
    expect(first).toMatchObject({ forgotten: 1, evidenceDeleted: 1 });
    expect(first.rows).toBeGreaterThan(0);
    await untilEventsVisible(product.db.dataSource);
    const afterFirst = await eventRows();
    // BullMQ may deliver the job again: it finds nothing left to do and records nothing.
    expect(await retention.run(clock.now())).toEqual({ forgotten: 0, evidenceDeleted: 0, rows: 0 });
    expect(await eventRows()).toEqual(afterFirst);

    // The log: every row as it was, plus PersonForgotten by the system and EvidenceRemoved; it still verifies.
    expect(afterFirst.slice(0, before.length)).toEqual(before);
    const added = await product.db.dataSource.query(
      `SELECT type, data, metadata->>'actorRole' AS role FROM events WHERE global_position > $1 ORDER BY global_position`,
      [before[before.length - 1].global_position],
    );
    expect(added).toEqual(
      expect.arrayContaining([
        {
          type: 'PersonForgotten',
          data: expect.objectContaining({ reason: 'Retention period' }),
          role: 'system',
        },
        {
          type: 'EvidenceRemoved',
          // The reason is held apart, redactable like every reason on a return (field evidenceReasons).
          data: expect.objectContaining({ evidenceId: 'e1', reason: { textId: expect.any(String) } }),
          role: 'system',
        },
      ]),
    );
    const removed = added.find((e: { type: string }) => e.type === 'EvidenceRemoved');
    expect(
      await product.db.dataSource.query(`SELECT field, text FROM return_texts WHERE id = $1`, [
        removed.data.reason.textId,
      ]),
    ).toEqual([{ field: 'evidenceReasons', text: 'Retention period' }]);
    expect(await logCommand(logVerify, ['--digest', held.out])).toMatchObject({ code: 0 });

    // Priya reads [erased] in the return's history and the agencies; Tom is as he was.
    const history = await call('GET', `/returns/${s1()}`, as.coordinator);
    expect(history.body.history.map((h: { actorId: string }) => h.actorId)).toContain('[erased]');
    expect(JSON.stringify(history.body)).not.toContain(priya.email);
    const agencies = JSON.stringify(
      (await call('GET', '/partnerships/sevenoaks-lsp/agencies', as.coordinator)).body,
    );
    expect(agencies).not.toMatch(new RegExp(`${priya.email}|${priya.name}`, 'i'));
    expect(agencies).toContain(tom.email);
    // Raj left the plan but not the staff: still himself, in his account and in what he wrote (forgotten before).
    expect(await count(`SELECT count(*)::int AS n FROM personal_keys WHERE erased_at IS NOT NULL`)).toBe(1);
    const thread = await call('GET', `/returns/${s1()}/messages`, as.coordinator);
    expect(JSON.stringify(thread.body)).toContain(raj.email);
    expect((await call('GET', '/auth/me', as.reviewer2)).body.actor).toMatchObject({ id: raj.email });

    // The file's bytes are gone, its hash kept in the log.
    expect(await count(`SELECT count(*)::int AS n FROM evidence_objects`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM evidence_chunks`)).toBe(0);
    const [attached] = await product.db.dataSource.query(
      `SELECT data->>'sha256' AS sha256 FROM events WHERE type = 'EvidenceAttached'`,
    );
    expect(attached.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Mail copies and ended sessions older than a day are gone; the newer ones stay.
    expect(await product.db.dataSource.query(`SELECT subject FROM dev_mail`)).toEqual([{ subject: 'New' }]);
    expect(
      await count(`SELECT count(*)::int AS n FROM owed_mails WHERE settled_at < $1`, [
        clock.now().toISOString(),
      ]),
    ).toBe(0);
    expect(await product.db.dataSource.query(`SELECT session_hash FROM sessions`)).toEqual([
      { session_hash: 'retention-test-live' },
    ]);
  });

  it('rebuilds every read model afterwards, [erased] in the history and her nowhere in the database', async () => {
    const code = await projectionsRebuild(
      { DATABASE_URL: product.db.url, NODE_ENV: 'test' },
      { write: () => true },
      { write: () => true },
    );
    expect(code).toBe(0);
    const history = await call('GET', `/returns/${s1()}`, as.coordinator);
    expect(history.body.history.map((h: { actorId: string }) => h.actorId)).toContain('[erased]');
    const columns: { table_name: string; column_name: string }[] = await product.db.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         AND c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name: t, column_name: c } of columns)
      for (const value of [priya.email, priya.name])
        if (
          (await count(
            `SELECT count(*)::int AS n FROM "${t}" WHERE strpos(lower("${c}"::text), lower($1)) > 0`,
            [value],
          )) > 0
        )
          found.push(`${t}.${c}`);
    expect(found).toEqual([]);
  });

  // An operator's review: the run is a BullMQ schedule at 03:15, and a 03:15 with Redis away or no worker up was
  // skipped, what was due erased only at the next (a week later, for a worker down a week).
  it('runs the run it missed when a worker starts, from PostgreSQL, not the schedule; once however many ask', async () => {
    // The copy of mail caught on the day of the last run is due a day later (mailDays 1); no worker is up at the
    // 03:15s in between.
    await product.worker.close();
    const missed = new Date(clock.now().getTime() + 2 * DAY + 3_600_000);
    clock.set(missed);
    expect(await count(`SELECT count(*)::int AS n FROM dev_mail`)).toBe(1);
    restarted = await startWorker(product.config, { clock, relayPollIntervalMs: 25 });
    await eventually(async () => (await count(`SELECT count(*)::int AS n FROM dev_mail`)) === 0, 10_000);
    const retention = restarted.get(RetentionRun);
    expect(await retention.lastRun()).toEqual(missed);
    // Two workers at once a day on, each catching up: one runs, the other finds it running or done.
    const dayOn = new Date(missed.getTime() + DAY);
    const both = await Promise.all([retention.catchUp(dayOn), retention.catchUp(dayOn)]);
    expect(both.filter((outcome) => outcome !== null)).toHaveLength(1);
    expect(await retention.lastRun()).toEqual(dayOn);
    expect(await retention.catchUp(dayOn)).toBeNull();
  });
});
