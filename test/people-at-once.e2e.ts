import { pdfFile } from './support/evidence-files.js';
import { multipartBody, MULTIPART_TYPE } from './support/multipart.js';
import { inTurnWhileHeld } from './support/held-row.js';
import { openCycle, submitAndApprove } from './support/reporting.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';

/**
 * The product's people at work at the same moment, on real HTTP: each of them states no version (no If-Match),
 * so each asks for the thing as it now stands, and none may be refused for another's write they never saw.
 */
describe('people at work at once (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const content = { rag: 'amber', narrative: 'Most actions in the plan were achieved.', dot: 'improving' };

  beforeAll(async () => {
    product = await startProduct('people_at_once');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  }, 60_000);
  afterAll(() => product.stop());

  const refused = (answers: { status: number; body: { code?: string } }[]) =>
    answers.map((a) => [a.status, a.body?.code]).filter(([status]) => status !== 200);

  /**
   * A cycle of its own for the year from April `year`, whose returns were submitted with these narratives and
   * approved, then closed and published: a publication for redactions and forgetting to re-issue.
   */
  async function publishedCycle(
    cycleId: string,
    label: string,
    year: number,
    narratives: Record<string, string>,
  ) {
    const opened = await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label,
        periodStart: `${year}-04-01`,
        periodEnd: `${year + 1}-03-31`,
        dueDate: `${year + 1}-04-30`,
      },
      Object.keys(narratives),
    );
    for (const [ref, narrative] of Object.entries(narratives))
      await submitAndApprove(call, `${opened}.${ref}`, as.coordinator, as.reviewer, {
        rag: 'green',
        narrative,
      });
    const cycle = encodeURIComponent(opened);
    expect((await call('POST', `/cycles/${cycle}/close`, as.coordinator, {})).status).toBe(200);
    expect((await call('POST', `/cycles/${cycle}/publish`, as.coordinator, {})).status).toBe(201);
    return opened;
  }

  async function returnsOf(cycleId: string): Promise<{ returnId: string; agencyId: string }[]> {
    const cycle = await call('GET', `/cycles/${encodeURIComponent(cycleId)}`, as.coordinator);
    return cycle.body.returns as { returnId: string; agencyId: string }[];
  }

  it("lets the coordinator extend one agency's deadline while its lead saves drafts and others submit", async () => {
    const cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'deadline-day',
      label: 'Deadline day',
      periodStart: '2030-04-01',
      periodEnd: '2031-03-31',
      dueDate: '2031-04-30',
    });
    const returns = await returnsOf(cycleId);
    const byAgency = new Map<string, string[]>();
    for (const r of returns) byAgency.set(r.agencyId, [...(byAgency.get(r.agencyId) ?? []), r.returnId]);
    const [late] = [...byAgency.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    const others = returns.filter((r) => r.agencyId !== late);
    for (let round = 0; round < 3; round++) {
      const [extended, saves, submits] = await Promise.all([
        call('POST', `/cycles/${encodeURIComponent(cycleId)}/agencies/${late}/extend`, as.coordinator, {
          dueDate: `2031-05-${String(10 + round).padStart(2, '0')}`,
          reason: 'Their officer is away',
        }),
        Promise.all(
          byAgency.get(late)!.map((id, i) =>
            call('PUT', `/returns/${id}/draft`, as.lead(late), {
              ...content,
              narrative: `Draft ${round}.${i}`,
            }),
          ),
        ),
        Promise.all(
          others
            .slice(round * 8, round * 8 + 8)
            .map((r) => call('POST', `/returns/${r.returnId}/submit`, as.lead(r.agencyId), content)),
        ),
      ]);
      expect([extended.status, extended.body?.code]).toEqual([200, undefined]);
      expect(refused(saves)).toEqual([]);
      expect(refused(submits)).toEqual([]);
    }
    // A lead who states the version they saw is still held to it: the extension came after it.
    const [first] = byAgency.get(late)!;
    const seen = (await call('GET', `/returns/${first}`, as.lead(late))).body.version as number;
    await call('POST', `/cycles/${encodeURIComponent(cycleId)}/agencies/${late}/extend`, as.coordinator, {
      dueDate: '2031-06-30',
      reason: 'Still away',
    });
    const stale = await call(
      'PUT',
      `/returns/${first}/draft`,
      { ...as.lead(late), 'if-match': `"${seen}"` },
      content,
    );
    expect([stale.status, stale.body.code]).toEqual([409, 'stale-version']);
  }, 120_000);

  let talking: string;
  it('lands every message two people post on one return at the same moment', async () => {
    talking = await openCycle(call, as.coordinator, {
      cycleId: 'talking',
      label: 'Talking',
      periodStart: '2031-04-01',
      periodEnd: '2032-03-31',
      dueDate: '2032-04-30',
    });
    const [r] = await returnsOf(talking);
    const posts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call('POST', `/returns/${r.returnId}/messages`, i % 2 ? as.reviewer : as.lead(r.agencyId), {
          body: `Message ${i}`,
        }),
      ),
    );
    expect(posts.map((p) => [p.status, p.body?.code]).filter(([s]) => s !== 201 && s !== 200)).toEqual([]);
    const thread = await product.store.readStream(`conversation:${r.returnId}`);
    expect(thread.filter((e) => e.type === 'ReturnMessagePosted')).toHaveLength(6);
  }, 60_000);

  it('still refuses a message whose If-Match is stale', async () => {
    const [r] = await returnsOf(talking);
    const answer = await call(
      'POST',
      `/returns/${r.returnId}/messages`,
      { ...as.reviewer, 'if-match': '"1"' },
      { body: 'Seen only the first' },
    );
    expect(answer.status).toBe(409);
  });

  it('decides the returns two reviewers approve one by one and in bulk while leads submit', async () => {
    const cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'review-day',
      label: 'Review day',
      periodStart: '2032-04-01',
      periodEnd: '2033-03-31',
      dueDate: '2033-04-30',
    });
    const returns = await returnsOf(cycleId);
    const ready = returns.slice(0, 12);
    const versions = new Map<string, number>();
    for (const r of ready) {
      const s = await call('POST', `/returns/${r.returnId}/submit`, as.lead(r.agencyId), content);
      versions.set(r.returnId, s.body.version as number);
    }
    const [singles, bulk, submits, messages] = await Promise.all([
      Promise.all(ready.slice(0, 6).map((r) => call('POST', `/returns/${r.returnId}/approve`, as.reviewer))),
      call('POST', '/returns/bulk-decisions', as.reviewer2, {
        decision: 'approve',
        mode: 'valid-only',
        returns: ready.slice(6).map((r) => ({ returnId: r.returnId, version: versions.get(r.returnId) })),
      }),
      Promise.all(
        returns
          .slice(12, 24)
          .map((r) => call('POST', `/returns/${r.returnId}/submit`, as.lead(r.agencyId), content)),
      ),
      // The leads say thank you on the returns being approved: a message, not a change request.
      Promise.all(
        ready.map((r) =>
          call('POST', `/returns/${r.returnId}/messages`, as.lead(r.agencyId), { body: 'Sent, thank you' }),
        ),
      ),
    ]);
    expect(refused(singles)).toEqual([]);
    expect(refused(submits)).toEqual([]);
    expect(messages.map((m) => m.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);
    expect(bulk.body.refused).toEqual([]);
  }, 120_000);

  it("lands the evidence and messages of an agency's two leads on one return at the same moment", async () => {
    const [r] = (await returnsOf(talking)).slice(1);
    const pdf = await pdfFile();
    const [uploads, posts] = await Promise.all([
      Promise.all(
        [0, 1, 2, 3].map((i) =>
          fetch(`${product.baseUrl}/returns/${r.returnId}/evidence`, {
            method: 'POST',
            headers: { ...as.lead(r.agencyId), 'content-type': MULTIPART_TYPE },
            body: multipartBody({}, { fileName: `Minutes ${i}.pdf`, type: 'application/pdf', content: pdf }),
          }),
        ),
      ),
      Promise.all(
        [0, 1, 2, 3].map((i) =>
          call('POST', `/returns/${r.returnId}/messages`, as.lead(r.agencyId), {
            body: `Minutes ${i} attached`,
          }),
        ),
      ),
    ]);
    expect(uploads.map((u) => u.status)).toEqual([201, 201, 201, 201]);
    expect(posts.map((p) => p.status)).toEqual([201, 201, 201, 201]);
    const files = await product.store.readStream(`evidence:${r.returnId}`);
    expect(files.filter((e) => e.type === 'EvidenceAttached')).toHaveLength(4);
  }, 60_000);

  it('lets the coordinator choose the files a report lists while the lead adds more to the return', async () => {
    const [r] = (await returnsOf(talking)).slice(1);
    const files = (await product.store.readStream(`evidence:${r.returnId}`)).filter(
      (e) => e.type === 'EvidenceAttached',
    ) as unknown as { data: { evidenceId: string } }[];
    const pdf = await pdfFile();
    const [choices, uploads] = await Promise.all([
      Promise.all(
        files.map((f) =>
          call('PUT', `/returns/${r.returnId}/evidence/${f.data.evidenceId}/report-choice`, as.coordinator, {
            inReport: true,
          }),
        ),
      ),
      Promise.all(
        [4, 5, 6, 7].map((i) =>
          fetch(`${product.baseUrl}/returns/${r.returnId}/evidence`, {
            method: 'POST',
            headers: { ...as.lead(r.agencyId), 'content-type': MULTIPART_TYPE },
            body: multipartBody({}, { fileName: `Minutes ${i}.pdf`, type: 'application/pdf', content: pdf }),
          }),
        ),
      ),
    ]);
    expect(uploads.map((u) => u.status)).toEqual([201, 201, 201, 201]);
    expect(refused(choices)).toEqual([]);
  }, 60_000);

  it('lets two coordinators change different staff accounts at the same moment', async () => {
    const themes = sevenoaksPlan().themes.map((t) => t.id);
    const answers = await Promise.all([
      call('PUT', `/staff/${encodeURIComponent(STAFF.reviewer)}/themes`, as.coordinator, {
        themeIds: [themes[0]],
      }),
      call('PUT', `/staff/${encodeURIComponent(STAFF.reviewer2)}/themes`, as.coordinator, {
        themeIds: [themes[1]],
      }),
      ...[0, 1, 2].map((i) =>
        call('POST', '/staff', as.coordinator, {
          email: `new.${i}@sevenoaks.example.org`,
          name: `New ${i}`,
          role: 'reviewer',
          password: PASSWORD,
        }),
      ),
      call('POST', `/staff/${encodeURIComponent(STAFF.board)}/disable`, as.coordinator),
    ]);
    expect(answers.map((a) => [a.status, a.body?.code]).filter(([s]) => s !== 200 && s !== 201)).toEqual([]);
    const rows: { email: string; theme_ids: string[] }[] = await product.db.dataSource.query(
      'SELECT email, theme_ids FROM staff_accounts WHERE email = ANY($1::text[]) ORDER BY email',
      [[STAFF.reviewer, STAFF.reviewer2]],
    );
    expect(rows.map((r) => r.theme_ids)).toEqual([[themes[1]], [themes[0]]]);
  });

  it("adds every appendix two coordinators add to a cycle's report at the same moment", async () => {
    const added = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        call('POST', `/cycles/${encodeURIComponent(talking)}/appendices`, as.coordinator, {
          title: `Appendix of team ${i}`,
        }),
      ),
    );
    expect(added.map((a) => [a.status, a.body?.code]).filter(([s]) => s !== 201)).toEqual([]);
    const stale = await call(
      'POST',
      `/cycles/${encodeURIComponent(talking)}/appendices`,
      { ...as.coordinator, 'if-match': '"1"' },
      { title: 'Seen only the first' },
    );
    expect(stale.status).toBe(409);
  });

  it('approves a selection all or nothing while the leads thank the reviewers on its returns', async () => {
    const cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'all-or-nothing-day',
      label: 'All or nothing day',
      periodStart: '2033-04-01',
      periodEnd: '2034-03-31',
      dueDate: '2034-04-30',
    });
    const ready = (await returnsOf(cycleId)).slice(0, 8);
    const selection = [];
    for (const r of ready) {
      const s = await call('POST', `/returns/${r.returnId}/submit`, as.lead(r.agencyId), content);
      selection.push({ returnId: r.returnId, version: s.body.version as number });
    }
    const [bulk, messages] = await Promise.all([
      call('POST', '/returns/bulk-decisions', as.reviewer, {
        decision: 'approve',
        mode: 'all-or-nothing',
        returns: selection,
      }),
      Promise.all(
        ready.map((r) =>
          call('POST', `/returns/${r.returnId}/messages`, as.lead(r.agencyId), { body: 'Sent, thank you' }),
        ),
      ),
    ]);
    expect(messages.map((m) => m.status).filter((s) => s !== 201)).toEqual([]);
    expect([bulk.status, bulk.body.outcome, bulk.body.refused]).toEqual([200, 'all-decided', []]);
  }, 60_000);

  it('answers forty saves of one return at once, each with its own Idempotency-Key, without waiting out the pool', async () => {
    // A retried client, or a lead's script: each keyed save runs in a transaction of its own, and one outrun is
    // decided again inside it. Its reads went to the pool while it held its own connection: forty at once took the
    // api's 20 and each waited out the pool's 10 s (503 for 18 of them).
    const cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'keyed-saves-day',
      label: 'Keyed saves day',
      periodStart: '2034-04-01',
      periodEnd: '2035-03-31',
      dueDate: '2035-04-30',
    });
    const [r] = await returnsOf(cycleId);
    const started = Date.now();
    const saves = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(
          'PUT',
          `/returns/${r.returnId}/draft`,
          { ...as.lead(r.agencyId), 'idempotency-key': `save-${i}` },
          {
            ...content,
            narrative: `Saved ${i}`,
          },
        ),
      ),
    );
    // Each is decided (200), or still outrun after its tries: a conflict the lead can resolve, never a 503.
    expect(
      saves.map((s) => [s.status, s.body?.code]).filter(([status]) => status !== 200 && status !== 409),
    ).toEqual([]);
    expect(saves.some((s) => s.status === 200)).toBe(true);
    // The statuses are the oracle (the pool waited out answers 503); this bound only catches a hang, and leaves
    // room for a loaded machine (12 s seen at load average 10).
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('redacts a passage from a draft its lead saves again between the redaction reading the return and writing it', async () => {
    const cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'redaction-day',
        label: 'Redaction day',
        periodStart: '2035-04-01',
        periodEnd: '2036-03-31',
        dueDate: '2036-04-30',
      },
      ['S1'],
    );
    const returnId = `${cycleId}.S1`;
    const lead = as.lead('sevenoaks-csp');
    expect(
      (await call('PUT', `/returns/${returnId}/draft`, lead, { narrative: 'Jo Bloggs came' })).status,
    ).toBe(200);
    // The return's row held, so that the lead's save waits at its append, then the redaction (having read the
    // return) behind it: let go, the save lands first and the redaction finds the return moved on.
    const answers = await inTurnWhileHeld(product.db, `return:${returnId}`, [
      () => call('PUT', `/returns/${returnId}/draft`, lead, { narrative: 'Jo Bloggs came again' }),
      () =>
        call('POST', `/returns/${returnId}/redactions`, as.coordinator, {
          field: 'narrative',
          passage: 'Jo Bloggs',
          reason: 'Names a young person',
        }),
    ]);
    // 409 stale-version before, for a write the coordinator never saw.
    expect(answers.map((a) => [a.status, a.body?.code])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    expect(answers[1].body.textsChanged).toBe(2);
    const texts: { text: string }[] = await product.db.dataSource.query(
      `SELECT text FROM return_texts WHERE return_id = $1 AND field = 'narrative' ORDER BY text`,
      [returnId],
    );
    expect(texts.map((t) => t.text)).toEqual(['[redacted] came', '[redacted] came again']);
    // A coordinator who states the version they saw is still held to it.
    const stale = await call(
      'POST',
      `/returns/${returnId}/redactions`,
      { ...as.coordinator, 'if-match': '"2"' },
      { field: 'narrative', passage: 'came', reason: 'Not needed' },
    );
    expect([stale.status, stale.body.code]).toEqual([409, 'stale-version']);
  });

  it('takes a passage out of the publication for two redactions that reach the cycle at the same moment', async () => {
    const cycleId = await publishedCycle('redactions-at-once', 'Redactions at once', 2036, {
      S1: 'Jo Bloggs was helped (S1)',
      S2: 'Jo Bloggs was helped (S2)',
    });
    const cycle = encodeURIComponent(cycleId);
    // The cycle's row held: each redaction has written its return and read the publications, and waits to
    // re-issue them; let go, the first re-issues and the second finds the cycle moved on.
    const answers = await inTurnWhileHeld(
      product.db,
      `cycle:${cycleId}`,
      ['S1', 'S2'].map(
        (ref) => () =>
          call('POST', `/returns/${cycle}.${ref}/redactions`, as.coordinator, {
            field: 'narrative',
            passage: 'Jo Bloggs',
            reason: 'Names a young person',
          }),
      ),
    );
    // 409 stale-version before, for the other's re-issue it never saw.
    expect(answers.map((a) => [a.status, a.body?.code])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    const held: { publication: number; body: string }[] = await product.db.dataSource.query(
      `SELECT publication, body FROM published_reports WHERE cycle_id = $1 AND body IS NOT NULL`,
      [cycleId],
    );
    // The first re-issue took the passage out of every return's texts in it: the second had none to re-issue.
    expect(held.map((p) => p.publication)).toEqual([2]);
    expect(held[0].body).not.toContain('Jo Bloggs');
  });

  it('forgets a person a publication names while a redaction re-issues the same publication', async () => {
    const tom = sevenoaksPlan()
      .agencies.find((a) => a.id === 'sevenoaks-csp')!
      .contacts.find((c) => c.role === 'senior')!;
    const cycleId = await publishedCycle('forgetting-at-once', 'Forgetting at once', 2037, {
      S1: `Ask ${tom.email}`,
      S2: 'Jo Bloggs was helped',
    });
    const cycle = encodeURIComponent(cycleId);
    const answers = await inTurnWhileHeld(product.db, `cycle:${cycleId}`, [
      () =>
        call('POST', `/returns/${cycle}.S2/redactions`, as.coordinator, {
          field: 'narrative',
          passage: 'Jo Bloggs',
          reason: 'Names a young person',
        }),
      () =>
        call('POST', '/partnership/people/forget', as.coordinator, {
          email: tom.email,
          reason: 'Asked to be forgotten',
        }),
    ]);
    // 409 stale-version before: the forgetting was outrun by the redaction's re-issue, which it never saw.
    expect(answers.map((a) => [a.status, a.body?.code])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    const held: { publication: number; body: string }[] = await product.db.dataSource.query(
      `SELECT publication, body FROM published_reports WHERE cycle_id = $1 AND body IS NOT NULL`,
      [cycleId],
    );
    expect(held.map((p) => p.publication)).toEqual([3]);
    expect(held[0].body).not.toContain('Jo Bloggs');
    expect(held[0].body).not.toContain(tom.email);
  });
});
