import { randomUUID } from 'node:crypto';
import { openCycle, projectionsSettled } from './support/reporting.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';

/**
 * Issue 14 point 3: a reviewer approves or sends back a selection at once. Each return gets its own event
 * through the single decision's rules, at the version the reviewer saw; a selection some of which cannot be
 * decided says which and why, and decides none of them or only the valid ones as the caller chose.
 */
describe('bulk decisions on the real services (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let year1: string;
  let year2: string;
  const refs = sevenoaksPlan().themes.flatMap((t) => t.measures.map((m) => m.ref));
  const content = { rag: 'green', narrative: 'Every action in the plan was achieved.', dot: 'improving' };
  const cycleDates = (name: string, label: string, year: number) => ({
    cycleId: name,
    label,
    periodStart: `${year}-04-01`,
    periodEnd: `${year + 1}-03-31`,
    dueDate: `${year + 1}-04-30`,
  });

  /** Submitted by the coordinator: so the coordinator may not approve them (four-eyes), a reviewer may. */
  async function submit(returnId: string): Promise<number> {
    const r = await call('POST', `/returns/${returnId}/submit`, as.coordinator, content);
    if (r.status !== 200) throw new Error(`submit ${returnId}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.version as number;
  }

  const bulk = (headers: Record<string, string>, body: unknown) =>
    call('POST', '/returns/bulk-decisions', headers, body);

  const countOf = async (type: string, streamIds: string[]) =>
    Number(
      (
        await product.db.dataSource.query(
          'SELECT count(*) AS n FROM events WHERE type = $1 AND stream_id = ANY($2::text[])',
          [type, streamIds],
        )
      )[0].n,
    );
  // The worker appends mail and chase events meanwhile: what a decision writes is on return streams.
  const allEvents = async () =>
    Number(
      (
        await product.db.dataSource.query("SELECT count(*) AS n FROM events WHERE stream_id LIKE 'return:%'")
      )[0].n,
    );

  beforeAll(async () => {
    product = await startProduct('bulk_decisions');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    year1 = await openCycle(call, as.coordinator, cycleDates('bulk-y1', 'Year 1', 2030));
    year2 = await openCycle(call, as.coordinator, cycleDates('bulk-y2', 'Year 2', 2031));
  }, 120_000);
  afterAll(() => product.stop());

  it('approves 50 returns of two cycles in one request: 50 ReturnApproved events, 50 rows in the report', async () => {
    const ids = [...refs.map((r) => `${year1}.${r}`), ...refs.map((r) => `${year2}.${r}`)].slice(0, 50);
    const returns = [];
    for (const returnId of ids) returns.push({ returnId, version: await submit(returnId) });

    const answer = await bulk(as.reviewer, { decision: 'approve', mode: 'all-or-nothing', returns });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'all-decided', refused: [], held: [] });
    expect(answer.body.decided).toHaveLength(50);
    expect(answer.body.decided[0]).toEqual({
      id: ids[0],
      measureRef: refs[0],
      version: returns[0].version + 1,
      status: 'approved',
    });
    const streams = ids.map((id) => `return:${id}`);
    expect(await countOf('ReturnApproved', streams)).toBe(50);
    await projectionsSettled(product, 60_000);
    const [{ n }] = await product.db.dataSource.query(
      'SELECT count(*) AS n FROM report_returns WHERE return_id = ANY($1::text[])',
      [ids],
    );
    expect(Number(n)).toBe(50);
  }, 240_000);

  it('refuses a return changed since the reviewer saw it; valid-only decides the rest, all-or-nothing none', async () => {
    const [a, b, c] = [`${year2}.${refs[23]}`, `${year2}.${refs[24]}`, `${year2}.${refs[25]}`];
    const seen = { [a]: await submit(a), [b]: await submit(b), [c]: await submit(c) };
    const selection = [a, b, c].map((returnId) => ({
      returnId,
      // b is decided at the version before its submission: the reviewer saw the draft, not what was sent.
      version: returnId === b ? seen[b] - 1 : seen[returnId],
    }));

    const before = await allEvents();
    const none = await bulk(as.reviewer, { decision: 'approve', mode: 'all-or-nothing', returns: selection });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ outcome: 'none-decided', decided: [] });
    expect(none.body.refused).toEqual([
      {
        returnId: b,
        measureRef: refs[24],
        rule: 'return-changed',
        message: `It changed since you saw it (you saw version ${seen[b] - 1}; it is now at ${seen[b]}): look at it again`,
      },
    ]);
    expect(none.body.held).toEqual([
      { returnId: a, measureRef: refs[23] },
      { returnId: c, measureRef: refs[25] },
    ]);
    expect(await allEvents()).toBe(before);

    const some = await bulk(as.reviewer, {
      decision: 'send-back',
      reason: 'Say which actions were not achieved',
      mode: 'valid-only',
      returns: selection,
    });
    expect(some.body.outcome).toBe('some-decided');
    expect(some.body.decided.map((d: { id: string }) => d.id)).toEqual([a, c]);
    expect(some.body.refused.map((r: { returnId: string }) => r.returnId)).toEqual([b]);
    expect(await countOf('ReturnSentBack', [`return:${a}`, `return:${c}`])).toBe(2);
    expect(await countOf('ReturnSentBack', [`return:${b}`])).toBe(0);
    const history = await call('GET', `/returns/${a}`, as.reviewer);
    expect(history.body.sentBackReason).toBe('Say which actions were not achieved');
  }, 60_000);

  it('holds four-eyes per return: the coordinator who submitted them cannot approve them in bulk', async () => {
    const id = `${year2}.${refs[26]}`;
    const version = await submit(id);
    const answer = await bulk(as.coordinator, {
      decision: 'approve',
      mode: 'valid-only',
      returns: [{ returnId: id, version }],
    });
    expect(answer.body.refused).toEqual([
      {
        returnId: id,
        measureRef: refs[26],
        rule: 'approver-edited',
        message: 'You edited this return, so someone else must approve it',
      },
    ]);
    expect(await countOf('ReturnApproved', [`return:${id}`])).toBe(0);
  });

  it('never approves twice when a single approve races a bulk one', async () => {
    const cycle = await openCycle(
      call,
      as.coordinator,
      cycleDates('bulk-race', 'Race', 2032),
      refs.slice(0, 8),
    );
    const ids = refs.slice(0, 8).map((r) => `${cycle}.${r}`);
    const selection = [];
    for (const returnId of ids) selection.push({ returnId, version: await submit(returnId) });
    const singles = ids.map((id) => call('POST', `/returns/${id}/approve`, as.reviewer2));
    const [bulkAnswer, ...singleAnswers] = await Promise.all([
      bulk(as.reviewer, { decision: 'approve', mode: 'valid-only', returns: selection }),
      ...singles,
    ]);
    expect(bulkAnswer.status).toBe(200);
    for (const id of ids) expect(await countOf('ReturnApproved', [`return:${id}`])).toBe(1);
    // Each return was approved by exactly one of the two: the bulk request reports the others as refused.
    const bySingle = singleAnswers.filter((a) => a.status === 200).length;
    expect(bulkAnswer.body.decided.length + bySingle).toBe(ids.length);
    expect(bulkAnswer.body.refused.length).toBe(bySingle);
    for (const refusal of bulkAnswer.body.refused)
      expect(['return-changed', 'return-approved']).toContain(refusal.rule);
  }, 60_000);

  it("refuses another partnership's return as not found, answered as one that never existed", async () => {
    const id = `${year1}.${refs[0]}`;
    const never = `sevenoaks-lsp~${randomUUID()}.${refs[0]}`;
    const before = await allEvents();
    const ask = (returnId: string) =>
      bulk(as.otherCoordinator, {
        decision: 'approve',
        mode: 'valid-only',
        returns: [{ returnId, version: 1 }],
      });
    const theirs = await ask(id);
    const none = await ask(never);
    expect(theirs.status).toBe(200);
    expect(theirs.body.refused).toEqual([
      { returnId: id, measureRef: null, rule: 'return-not-found', message: 'No such return' },
    ]);
    expect(JSON.stringify(theirs.body).split(id).join('{id}')).toBe(
      JSON.stringify(none.body).split(never).join('{id}'),
    );
    expect(await allEvents()).toBe(before);
  });

  it('answers bad input with problem+json naming the field, and refuses roles that do not review', async () => {
    const ok = { returnId: `${year1}.${refs[0]}`, version: 1 };
    const bad = await bulk(as.reviewer, {
      decision: 'approve',
      mode: 'valid-only',
      returns: [ok, ok, ok, { returnId: ok.returnId, version: 'three' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('returns[3].version');
    const unknownMode = await bulk(as.reviewer, { decision: 'approve', mode: 'some', returns: [ok] });
    expect(unknownMode.status).toBe(400);
    expect(unknownMode.body.errors.map((e: { field: string }) => e.field)).toEqual(['mode']);
    const tooMany = await bulk(as.reviewer, {
      decision: 'approve',
      mode: 'valid-only',
      returns: Array.from({ length: 201 }, (_, i) => ({ returnId: `${year1}.X${i}`, version: 1 })),
    });
    expect(tooMany.status).toBe(400);
    const twice = await bulk(as.reviewer, { decision: 'approve', mode: 'valid-only', returns: [ok, ok] });
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({ code: 'return-twice' });
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'returns[1].returnId' })]);
    const noReason = await bulk(as.reviewer, { decision: 'send-back', mode: 'valid-only', returns: [ok] });
    expect(noReason.status).toBe(422);
    expect(noReason.body).toMatchObject({ code: 'reason-required' });
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(noReason.headers.get('content-type')).toContain('application/problem+json');
    for (const caller of [as.viewer, as.lead('sevenoaks-csp')]) {
      expect((await bulk(caller, { decision: 'approve', mode: 'valid-only', returns: [ok] })).status).toBe(
        403,
      );
    }
  });
});
