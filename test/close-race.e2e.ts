import { pdfFile } from './support/evidence-files.js';
import { inTurnWhileHeld } from './support/held-row.js';
import { multipartBody, MULTIPART_TYPE } from './support/multipart.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle } from './support/reporting.js';

/**
 * A cycle closed while a lead's write is on its way (an attacker's probe, 2026-12-05, sent submits, draft saves
 * and a close at once): each write was checked against the cycle as read a moment before its append, so some
 * were appended after CycleClosed and answered 200, and "a closed cycle's returns no longer change" did not hold
 * in the log. A return's append now share-locks the cycle's row as it was read: a write lands before the close,
 * or sees it and is refused.
 */
describe('closing a cycle while a lead writes (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('close_race');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  }, 60_000);
  afterAll(() => product.stop());

  /** An open cycle of 2019/20 asking two measures (S1 for the lead of sevenoaks-csp), due well after the races. */
  const openRaceCycle = (cycleId: string, label: string) =>
    openCycle(
      call,
      as.coordinator,
      { cycleId, label, periodStart: '2019-04-01', periodEnd: '2020-03-31', dueDate: '2030-04-30' },
      ['S1', 'S2'],
    );

  const eventsOf = async (cycle: string) =>
    (
      (await product.db.dataSource.query(
        `SELECT stream_id, type FROM events WHERE stream_id = $1 OR stream_id LIKE $2 ORDER BY global_position`,
        [`cycle:${cycle}`, `return:${cycle}.%`],
      )) as { stream_id: string; type: string }[]
    ).map((e) => `${e.stream_id} ${e.type}`);

  /**
   * Holds the return's row, so `write` reads the cycle open, decides, and then waits at its append; closes the
   * cycle meanwhile, lets the write go on, and gives its answer.
   */
  const writeOutrunByClose = async (cycle: string, write: () => ReturnType<typeof call>) => {
    const [answer] = await inTurnWhileHeld(product.db, `return:${cycle}.S1`, [write], async () => {
      const closed = await call('POST', `/cycles/${cycle}/close`, as.coordinator, {
        force: true,
        reason: 'Closed while a write was on its way',
      });
      expect(closed.status).toBe(200);
    });
    return answer;
  };

  it.each([
    ['a submit', 'POST', 'submit', { rag: 'green', narrative: 'Done' }],
    ['a draft save', 'PUT', 'draft', { narrative: 'Again' }],
  ] as const)(
    'refuses %s whose cycle was closed between its read and its append, and records nothing after the close',
    async (_what, method, action, body) => {
      const cycle = await openRaceCycle(`race-${action}`, `Race ${action}`);
      const lead = as.lead('sevenoaks-csp');
      expect((await call('PUT', `/returns/${cycle}.S1/draft`, lead, { narrative: 'Begun' })).status).toBe(
        200,
      );

      const answer = await writeOutrunByClose(cycle, () =>
        call(method, `/returns/${cycle}.S1/${action}`, lead, body),
      );
      expect([answer.status, answer.body.code]).toEqual([409, 'cycle-closed']);
      const events = await eventsOf(cycle);
      expect(events.at(-1)).toBe(`cycle:${cycle} CycleClosed`);
      expect(events.filter((e) => e.endsWith('ReturnSubmitted'))).toEqual([]);
    },
  );

  it("refuses an agency's deadline extension whose cycle was closed between its read and its append", async () => {
    const cycle = await openRaceCycle('race-extend', 'Race extend');
    const answer = await writeOutrunByClose(cycle, () =>
      call('POST', `/cycles/${cycle}/agencies/sevenoaks-csp/extend`, as.coordinator, {
        dueDate: '2030-05-31',
        reason: 'Staff illness',
      }),
    );
    expect([answer.status, answer.body.code]).toEqual([409, 'cycle-closed']);
    const events = await eventsOf(cycle);
    expect(events.at(-1)).toBe(`cycle:${cycle} CycleClosed`);
    expect(events.filter((e) => e.endsWith('DeadlineExtended'))).toEqual([]);
  });

  // A bulk decision read the cycle's status, then appended without confirming it (an attacker's probe,
  // 2026-12-06): a forced close that came between the two was followed in the log by ReturnApproved of returns
  // the close had left unresolved, answered 200 as decided.
  it.each(['valid-only', 'all-or-nothing'] as const)(
    'refuses a %s bulk approval whose cycle was closed between its read and its append',
    async (mode) => {
      const cycle = await openRaceCycle(`race-bulk-${mode}`, `Race bulk ${mode}`);
      const lead = as.lead('sevenoaks-csp');
      const seen: { returnId: string; version: number }[] = [];
      for (const ref of ['S1', 'S2']) {
        const submitted = await call('POST', `/returns/${cycle}.${ref}/submit`, lead, {
          rag: 'green',
          narrative: `Done ${ref}`,
        });
        expect(submitted.status).toBe(200);
        seen.push({ returnId: `${cycle}.${ref}`, version: submitted.body.version as number });
      }

      const answer = await writeOutrunByClose(cycle, () =>
        call('POST', '/returns/bulk-decisions', as.reviewer, { decision: 'approve', mode, returns: seen }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.decided).toEqual([]);
      expect(answer.body.refused.map((r: { rule: string }) => r.rule)).toEqual([
        'cycle-closed',
        'cycle-closed',
      ]);
      const events = await eventsOf(cycle);
      expect(events.at(-1)).toBe(`cycle:${cycle} CycleClosed`);
      expect(events.filter((e) => e.endsWith('ReturnApproved'))).toEqual([]);
    },
  );

  /** A PDF attached to the return's files through the API, as `headers` (a lead's session or a bearer token). */
  const attach = async (returnId: string, headers: Record<string, string>) => {
    const response = await fetch(`${product.baseUrl}/returns/${returnId}/evidence`, {
      method: 'POST',
      headers: { ...headers, 'content-type': MULTIPART_TYPE },
      body: multipartBody({}, { fileName: 'sheet.pdf', type: 'application/pdf', content: await pdfFile() }),
    });
    return { status: response.status, body: (await response.json()) as { code?: string } };
  };
  /** The evidence events of the cycle's returns appended after its CycleClosed. */
  const filesChangedAfterClose = async (cycle: string) =>
    (
      (await product.db.dataSource.query(
        `SELECT e.stream_id, e.type FROM events e
          WHERE e.stream_id LIKE $2 AND e.global_position >
                (SELECT max(global_position) FROM events WHERE stream_id = $1 AND type = 'CycleClosed')`,
        [`cycle:${cycle}`, `evidence:${cycle}.%`],
      )) as { stream_id: string; type: string }[]
    ).map((e) => `${e.stream_id} ${e.type}`);

  // An attacker's probe (2026-12-06): the lead's files page said a closed cycle's files could not change, and
  // hid its buttons, but the upload and removal behind them took files from the lead and the coordinator alike.
  it("refuses a file attached to or removed from an unresolved return once its cycle is closed, the lead's or the coordinator's", async () => {
    const cycle = await openRaceCycle('closed-files', 'Closed files');
    const lead = as.lead('sevenoaks-csp');
    expect((await attach(`${cycle}.S1`, lead)).status).toBe(201);
    const closed = await call('POST', `/cycles/${cycle}/close`, as.coordinator, {
      force: true,
      reason: 'Late',
    });
    expect(closed.status).toBe(200);

    for (const headers of [lead, as.coordinator]) {
      const attached = await attach(`${cycle}.S1`, headers);
      expect([attached.status, attached.body.code]).toEqual([409, 'cycle-closed']);
      const removed = await call('DELETE', `/returns/${cycle}.S1/evidence/e1`, headers);
      expect([removed.status, removed.body.code]).toEqual([409, 'cycle-closed']);
    }
    expect(await filesChangedAfterClose(cycle)).toEqual([]);
  });

  it('refuses a file whose cycle was closed between its read and its append', async () => {
    const cycle = await openRaceCycle('race-files', 'Race files');
    const lead = as.lead('sevenoaks-csp');
    // A first file, so the return's files have a stream row to hold.
    expect((await attach(`${cycle}.S1`, lead)).status).toBe(201);
    const [answer] = await inTurnWhileHeld(
      product.db,
      `evidence:${cycle}.S1`,
      [() => attach(`${cycle}.S1`, lead)],
      async () => {
        const closed = await call('POST', `/cycles/${cycle}/close`, as.coordinator, {
          force: true,
          reason: 'Closed while a file was on its way',
        });
        expect(closed.status).toBe(200);
      },
    );
    expect([answer.status, answer.body.code]).toEqual([409, 'cycle-closed']);
    expect(await filesChangedAfterClose(cycle)).toEqual([]);
  });

  /** The return's evidence events appended after its ReturnSubmitted. */
  const filesChangedAfterSubmit = async (returnId: string) =>
    (
      (await product.db.dataSource.query(
        `SELECT type FROM events WHERE stream_id = $2 AND global_position >
                (SELECT max(global_position) FROM events WHERE stream_id = $1 AND type = 'ReturnSubmitted')`,
        [`return:${returnId}`, `evidence:${returnId}`],
      )) as { type: string }[]
    ).map((e) => e.type);

  // A review (2026-12-06): the write of a file read the return's status but its append confirmed only the
  // cycle's, so a lead's submit between the two left a file attached (or removed) after ReturnSubmitted, on a
  // return whose files the lead may no longer change. The append now confirms the return as read, too.
  it("refuses a lead's file attached or removed as the return was submitted between its read and its append", async () => {
    const cycle = await openRaceCycle('race-submit-files', 'Race submit files');
    const lead = as.lead('sevenoaks-csp');
    const returnId = `${cycle}.S1`;
    expect((await attach(returnId, lead)).status).toBe(201);
    const [attached, removed] = await inTurnWhileHeld(
      product.db,
      `evidence:${returnId}`,
      [() => attach(returnId, lead), () => call('DELETE', `/returns/${returnId}/evidence/e1`, lead)],
      async () => {
        const submitted = await call('POST', `/returns/${returnId}/submit`, lead, {
          rag: 'green',
          narrative: 'Done',
        });
        expect(submitted.status).toBe(200);
      },
    );
    expect([attached.status, attached.body.code]).toEqual([409, 'return-not-editable']);
    expect([removed.status, removed.body.code]).toEqual([409, 'return-not-editable']);
    expect(await filesChangedAfterSubmit(returnId)).toEqual([]);
  });

  // Under an Idempotency-Key the append is in the request's transaction, and a return found moved is refused, not
  // decided again: a draft saved meanwhile must not count as a move.
  it('takes a keyed file whose return had only a draft saved between its read and its append', async () => {
    const cycle = await openRaceCycle('race-draft-files', 'Race draft files');
    const lead = as.lead('sevenoaks-csp');
    const returnId = `${cycle}.S1`;
    expect((await attach(returnId, lead)).status).toBe(201);
    const [attached] = await inTurnWhileHeld(
      product.db,
      `evidence:${returnId}`,
      [() => attach(returnId, { ...lead, 'idempotency-key': 'file-beside-a-draft' })],
      async () => {
        const saved = await call('PUT', `/returns/${returnId}/draft`, lead, { narrative: 'Meanwhile' });
        expect(saved.status).toBe(200);
      },
    );
    expect(attached.status).toBe(201);
  });

  it('lets a write that took the cycle first land before the close, which waits for it', async () => {
    const cycle = await openRaceCycle('race-first', 'Race first');
    const lead = as.lead('sevenoaks-csp');
    const writes = ['S1', 'S2'].flatMap((ref) => [
      call('POST', `/returns/${cycle}.${ref}/submit`, lead, { rag: 'green', narrative: `Done ${ref}` }),
      call('PUT', `/returns/${cycle}.${ref}/draft`, lead, { narrative: 'Again' }),
    ]);
    const close = call('POST', `/cycles/${cycle}/close`, as.coordinator, { force: true, reason: 'At once' });
    const answers = await Promise.all([...writes, close]);
    expect(answers.at(-1)!.status).toBe(200);
    for (const a of answers) expect(a.status).toBeLessThan(500);
    const events = await eventsOf(cycle);
    expect(events.at(-1)).toBe(`cycle:${cycle} CycleClosed`);
    // Every submit answered 2xx is in the log, before the close.
    expect(events.filter((e) => e.endsWith('ReturnSubmitted'))).toHaveLength(
      [answers[0], answers[2]].filter((a) => a.status < 300).length,
    );
  });

  /**
   * Link uses are written to the cycle, and a burst of them at the year's end outran all eight of a forced close's
   * tries (CI, 2026-12-06: 409 stale-version). The close now holds the cycle's row from before its read to its
   * append, as a link's revocation and reissue do: held by another, it waits to take the row, not at its append
   * with a decision on a cycle that may be gone.
   */
  it('holds the cycle from its read to its append, so link uses wait for the close rather than outrun it', async () => {
    const cycle = await openRaceCycle('race-held', 'Race held');
    const [closed] = await inTurnWhileHeld(
      product.db,
      `cycle:${cycle}`,
      [() => call('POST', `/cycles/${cycle}/close`, as.coordinator, { force: true, reason: 'Year end' })],
      async () => {
        const waiting: { query: string }[] = await product.db.dataSource.query(
          `SELECT a.query FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE NOT l.granted AND a.datname = current_database()`,
        );
        expect(waiting.map((w) => w.query.replace(/\s+/g, ' ').trim())).toEqual([
          'SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE',
        ]);
      },
    );
    expect(closed.status).toBe(200);
    expect((await eventsOf(cycle)).at(-1)).toBe(`cycle:${cycle} CycleClosed`);
  });
});
