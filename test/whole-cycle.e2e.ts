import { PlanFile } from '../libs/plan/src/index.js';
import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';

type Headers = Record<string, string>;
/** A line of a return's history as the test reads it: event type, the role of who did it, and why. */
type Line = [type: string, actorRole: string, reason?: string];

const RAGS = ['green', 'amber', 'red'] as const;
const LABEL = 'Year 1 2019/20 (April 2019 - March 2020)';

const REASONS = {
  sendBackS1: 'Please add the Q4 figures from the Community Safety Partnership action plan',
  sendBackC2: 'The narrative stops mid-sentence',
  reopenC1: 'The homelessness figures were revised by the housing team after approval',
  extendH1: 'The Health Action Team analyst is on leave until May',
  extendLcpg: 'NEET figures for March arrive from KCC in late May',
  reassignS4: 'Kent Police lead on road safety this year',
  withdrawD4: 'The measure was dropped from the plan at the LSP board meeting',
  close: 'G2 and Sus4 will be reported in Year 2; the report cannot wait',
};

/**
 * Issue 3 point 7: one whole monitoring cycle over HTTP on the real product (PostgreSQL, Redis, SMTP, the
 * worker): the Sevenoaks plan, a cycle opened for all 27 measures, every return written by its own agency's lead,
 * reviewed by two reviewers, one sent back and resubmitted, one amended after approval, extensions, a
 * reassignment, a withdrawal, and the cycle closed; then the history of each return tells that story.
 */
describe('a whole monitoring cycle (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let plan: PlanFile;
  let cycleId: string;
  /** The ETag of the last version each return was seen at, sent back as If-Match. */
  const etags = new Map<string, string>();

  const ownerOf = (ref: string) =>
    plan.themes.flatMap((t) => t.measures).find((m) => m.ref === ref)!.leadAgency;
  const leadEmail = (agencyId: string) =>
    plan.agencies.find((a) => a.id === agencyId)!.contacts.find((c) => c.role === 'lead')!.email;
  const rid = (ref: string) => `${cycleId}.${ref}`;
  const content = (ref: string, i: number, note = '') => ({
    rag: RAGS[i % 3],
    narrative: `${ref}: progress in 2019/20${note}.\n\n- what was done\n  - and by whom`,
    dot: 'improving',
    comments: `${ref} comments${note}`,
  });

  /** A write with If-Match from the last ETag seen; expects `status` and keeps the new ETag. */
  async function write(
    method: string,
    ref: string,
    action: string,
    who: Headers,
    body?: unknown,
    status = 200,
  ) {
    const response = await call(
      method,
      `/returns/${rid(ref)}/${action}`,
      { ...who, 'if-match': etags.get(ref)! },
      body,
    );
    expect([ref, action, response.status, response.body?.code]).toEqual([
      ref,
      action,
      status,
      status === 200 ? undefined : expect.anything(),
    ]);
    if (status === 200) {
      expect(response.headers.get('etag')).toBe(`"${response.body.version}"`);
      etags.set(ref, response.headers.get('etag')!);
    }
    return response;
  }
  /** Reads a return as `who` would before acting on it, keeping its ETag. */
  async function read(ref: string, who: Headers = as.coordinator) {
    const response = await call('GET', `/returns/${rid(ref)}`, who);
    expect(response.status).toBe(200);
    etags.set(ref, response.headers.get('etag')!);
    return response.body;
  }
  const lead = (ref: string) => as.lead(ownerOf(ref));
  const saveAndSubmit = async (ref: string, i: number, who: Headers = lead(ref)) => {
    await write('PUT', ref, 'draft', who, { ...content(ref, i), comments: undefined });
    await write('POST', ref, 'submit', who, content(ref, i));
  };
  const approve = async (ref: string, reviewer: Headers) => {
    await read(ref, reviewer);
    await write('POST', ref, 'approve', reviewer);
  };

  const history = async (ref: string): Promise<Line[]> =>
    (await read(ref)).history.map((h: { type: string; actorRole: string; reason: string | null }) =>
      h.reason ? [h.type, h.actorRole, h.reason] : [h.type, h.actorRole],
    );
  const report = async () => {
    const response = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
    expect(response.status).toBe(200);
    return response.body;
  };
  /** The measure's row in the report's table, or undefined while it has no approved return. */
  const inReport = async (ref: string) =>
    (await report()).themes
      .flatMap((t: { measures: { ref: string }[] }) => t.measures)
      .find((m: { ref: string }) => m.ref === ref);

  beforeAll(async () => {
    product = await startProduct('whole_cycle');
    plan = await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('runs Year 1 from opening to closing, and each return’s history tells its story', async () => {
    // The coordinator drafts the cycle and opens it for every measure of the plan.
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: LABEL,
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    cycleId = drafted.body.id;
    const opened = await call(
      'POST',
      `/cycles/${cycleId}/open`,
      { ...as.coordinator, 'if-match': drafted.headers.get('etag')! },
      {},
    );
    expect(opened.status).toBe(200);
    const cycle = (await call('GET', `/cycles/${cycleId}`, as.coordinator)).body;
    const refs: string[] = plan.themes.flatMap((t) => t.measures.map((m) => m.ref));
    expect(cycle.returns.map((r: { measureRef: string }) => r.measureRef).sort()).toEqual([...refs].sort());
    expect(refs).toHaveLength(27);
    for (const r of cycle.returns) expect(r).toMatchObject({ status: 'requested', dueDate: '2030-04-30' });
    for (const ref of refs) etags.set(ref, '"1"');
    // Every agency that owns a measure is mailed its link.
    const owners = [...new Set(refs.map(ownerOf))];
    await eventually(async () =>
      owners.every((a) =>
        product.smtp.mails.some((m) => m.to.includes(leadEmail(a)) && m.subject.includes('Year 1')),
      )
        ? true
        : null,
    );

    // Before anyone writes: the coordinator withdraws D4, reassigns S4 to Kent Police and extends H1, and extends
    // every return of the Local Children's Partnership Group (C3) at once.
    await write('POST', 'D4', 'withdraw', as.coordinator, { reason: REASONS.withdrawD4 });
    await write('POST', 'S4', 'reassign', as.coordinator, {
      toAgencyId: 'kent-police',
      reason: REASONS.reassignS4,
    });
    await write('POST', 'H1', 'extend', as.coordinator, { dueDate: '2030-05-31', reason: REASONS.extendH1 });
    const agencyExtension = await call(
      'POST',
      `/cycles/${cycleId}/agencies/sevenoaks-lcpg/extend`,
      as.coordinator,
      { dueDate: '2030-06-30', reason: REASONS.extendLcpg },
    );
    expect(agencyExtension.status).toBe(200);
    expect(agencyExtension.body.returns).toEqual([{ id: rid('C3'), version: 2, status: 'requested' }]);
    etags.set('C3', '"2"');
    expect((await read('H1')).dueDate).toBe('2030-05-31');
    expect((await read('C3')).dueDate).toBe('2030-06-30');

    // The reassigned return is no longer the CSP's to write (to its lead it no longer exists); it is Kent Police's.
    expect(
      (await call('PUT', `/returns/${rid('S4')}/draft`, as.lead('sevenoaks-csp'), { rag: 'red' })).status,
    ).toBe(404);

    // Every agency lead saves a draft of each of their returns and submits it; G2 stays a draft and Sus4 is never
    // answered.
    const answered = refs.filter((r) => !['D4', 'G2', 'Sus4'].includes(r));
    for (const [i, ref] of answered.entries()) {
      await saveAndSubmit(ref, i, ref === 'S4' ? as.lead('kent-police') : lead(ref));
    }
    await write('PUT', 'G2', 'draft', lead('G2'), { rag: 'amber', narrative: 'Half written' });

    // S1 is sent back with a reason, which its lead reads, then fixes and resubmits.
    await read('S1', as.reviewer);
    await write('POST', 'S1', 'send-back', as.reviewer, { reason: REASONS.sendBackS1 });
    const sentBack = await read('S1', as.lead('sevenoaks-csp'));
    expect(sentBack).toMatchObject({ status: 'draft', sentBackReason: REASONS.sendBackS1 });
    await write('POST', 'S1', 'submit', as.lead('sevenoaks-csp'), content('S1', 0, ' with the Q4 figures'));

    // C2 is sent back by one reviewer and finished by the other, who may then not approve their own edit.
    await read('C2', as.reviewer2);
    await write('POST', 'C2', 'send-back', as.reviewer2, { reason: REASONS.sendBackC2 });
    await write('PUT', 'C2', 'draft', as.reviewer, content('C2', 1, ', finished'));
    await write('POST', 'C2', 'submit', as.reviewer, content('C2', 1, ', finished'));
    await read('C2', as.reviewer);
    const ownEdit = await write('POST', 'C2', 'approve', as.reviewer, undefined, 403);
    expect(ownEdit.body.code).toBe('approver-edited');

    // The reviewers share the queue, taking turns; C1 and C2 go to the second reviewer (who did not edit C2).
    // G1 waits (see below).
    for (const [i, ref] of answered.entries()) {
      if (ref === 'G1') continue;
      await approve(ref, ref === 'C1' || ref === 'C2' || i % 2 === 1 ? as.reviewer2 : as.reviewer);
    }

    // C1 reaches the report, approved as first submitted.
    const c1First = content('C1', answered.indexOf('C1'));
    await eventually(async () => ((await inReport('C1'))?.comments === c1First.comments ? true : null));

    // The coordinator reopens it for an amendment; its lead rewrites and resubmits it.
    await read('C1');
    await write('POST', 'C1', 'reopen', as.coordinator, { reason: REASONS.reopenC1 });
    expect(await read('C1')).toMatchObject({ status: 'draft', approved: { content: c1First } });
    const c1Amended = { ...c1First, rag: 'red', comments: 'C1 comments, revised figures' };
    await write('PUT', 'C1', 'draft', lead('C1'), c1Amended);
    await write('POST', 'C1', 'submit', lead('C1'), c1Amended);

    // G1 is approved after all that; once the worker has put G1 in the report it has seen every event before,
    // and the report still shows C1 as first approved.
    await approve('G1', as.reviewer);
    await eventually(async () => ((await inReport('G1')) ? true : null));
    expect(await inReport('C1')).toMatchObject({ rag: c1First.rag, comments: c1First.comments });

    // The amendment is approved; the report moves to it.
    await approve('C1', as.reviewer2);
    await eventually(async () => ((await inReport('C1'))?.comments === c1Amended.comments ? true : null));
    expect(await inReport('C1')).toMatchObject({ rag: 'red', approvedBy: STAFF.reviewer2 });

    // Closing is refused while G2 and Sus4 are unresolved, refused when forced without a reason, then forced.
    // GET /cycles/:id sends its version as the ETag (and in the body); it goes back as If-Match.
    const cycleEtag = async () => {
      const cycle = await call('GET', `/cycles/${cycleId}`, as.coordinator);
      expect(cycle.headers.get('etag')).toBe(`"${cycle.body.version}"`);
      return cycle.headers.get('etag')!;
    };
    const close = async (body: object) =>
      call('POST', `/cycles/${cycleId}/close`, { ...as.coordinator, 'if-match': await cycleEtag() }, body);
    const refused = await close({});
    expect([refused.status, refused.body.code]).toEqual([409, 'returns-unresolved']);
    const noReason = await close({ force: true });
    expect([noReason.status, noReason.body.code]).toEqual([422, 'reason-required']);
    const closed = await close({ force: true, reason: REASONS.close });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ id: cycleId, status: 'closed' });
    const [closing] = await product.store.readStream(`cycle:${cycleId}`, {
      fromVersion: closed.body.version,
    });
    expect(closing).toMatchObject({
      type: 'CycleClosed',
      data: { forced: true, reason: REASONS.close, unresolvedReturnIds: [rid('G2'), rid('Sus4')] },
      metadata: { actorRole: 'coordinator' },
    });
    // The reason is held apart in return_texts, where it can be redacted: never copied into the metadata.
    expect(closing.metadata).not.toHaveProperty('reason');
    expect((await call('GET', `/cycles/${cycleId}`, as.coordinator)).body.status).toBe('closed');
    // The story of each return, from its history.
    const lead_ = 'agency-lead';
    expect(await history('S1')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnSentBack', 'reviewer', REASONS.sendBackS1],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('C1')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
      ['ReturnReopened', 'coordinator', REASONS.reopenC1],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('C2')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnSentBack', 'reviewer', REASONS.sendBackC2],
      ['ReturnDraftSaved', 'reviewer'],
      ['ReturnSubmitted', 'reviewer'],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('S4')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnReassigned', 'coordinator', REASONS.reassignS4],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('H1')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['DeadlineExtended', 'coordinator', REASONS.extendH1],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('C3')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['DeadlineExtended', 'coordinator', REASONS.extendLcpg],
      ['ReturnDraftSaved', lead_],
      ['ReturnSubmitted', lead_],
      ['ReturnApproved', 'reviewer'],
    ]);
    expect(await history('D4')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnWithdrawn', 'coordinator', REASONS.withdrawD4],
    ]);
    expect(await history('G2')).toEqual<Line[]>([
      ['ReturnRequested', 'coordinator'],
      ['ReturnDraftSaved', lead_],
    ]);
    expect(await history('Sus4')).toEqual<Line[]>([['ReturnRequested', 'coordinator']]);

    // Who did what, beyond the role: each approval by a reviewer who did not edit that version, S4 written by
    // Kent Police's lead, S1 by the CSP's, C2 finished by the first reviewer and approved by the second.
    const actors = async (ref: string) =>
      (await read(ref)).history.map((h: { type: string; actorId: string }) => `${h.type} ${h.actorId}`);
    expect((await actors('S4')).slice(2, 4)).toEqual([
      `ReturnDraftSaved ${leadEmail('kent-police')}`,
      `ReturnSubmitted ${leadEmail('kent-police')}`,
    ]);
    expect((await actors('S1')).slice(1, 3)).toEqual([
      `ReturnDraftSaved ${leadEmail('sevenoaks-csp')}`,
      `ReturnSubmitted ${leadEmail('sevenoaks-csp')}`,
    ]);
    expect((await actors('C2')).slice(3)).toEqual([
      `ReturnSentBack ${STAFF.reviewer2}`,
      `ReturnDraftSaved ${STAFF.reviewer}`,
      `ReturnSubmitted ${STAFF.reviewer}`,
      `ReturnApproved ${STAFF.reviewer2}`,
    ]);
    expect((await actors('C1')).filter((a: string) => a.startsWith('ReturnApproved'))).toEqual([
      `ReturnApproved ${STAFF.reviewer2}`,
      `ReturnApproved ${STAFF.reviewer2}`,
    ]);

    // The report holds the 24 approved returns, S4 among them from Kent Police; not D4, G2 or Sus4.
    const final = await eventually(async () => {
      const r = await report();
      const rows = r.themes.flatMap((t: { measures: { ref: string }[] }) => t.measures);
      return rows.length === answered.length ? rows : null;
    });
    expect(final.map((m: { ref: string }) => m.ref).sort()).toEqual([...answered].sort());
    expect(final.find((m: { ref: string }) => m.ref === 'S1')).toMatchObject({
      comments: 'S1 comments with the Q4 figures',
    });
  });

  // Closing a cycle ends its collection: a return left unresolved by a forced close (G2, listed in
  // CycleClosed.unresolvedReturnIds) takes no more writes; only approved returns may still be amended.
  it('refuses to write a return left unresolved when the cycle was closed', async () => {
    const g2 = `/returns/${rid('G2')}`;
    const draft = await call('PUT', `${g2}/draft`, as.reviewer, { rag: 'green', narrative: 'Late' });
    expect([draft.status, draft.body.code]).toEqual([409, expect.stringMatching(/closed/)]);
    const submit = await call('POST', `${g2}/submit`, as.reviewer, { rag: 'green', narrative: 'Late' });
    expect([submit.status, submit.body.code]).toEqual([409, expect.stringMatching(/closed/)]);
  });
});
