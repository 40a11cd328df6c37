import { ChildProcess } from 'node:child_process';
import { spawnApi } from './support/api-process.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { kill } from './support/worker-process.js';

/**
 * An api killed outright (SIGKILL) in the middle of many commands that carry an Idempotency-Key, and every
 * client retrying its command against another api: each command is applied exactly once.
 */
describe('Idempotency-Key through an api crash (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('idem_crash');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    if (child) await kill(child);
    await product.stop();
  });

  const openCycle = async (label: string, periodStart: string, periodEnd: string) => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart,
      periodEnd,
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    const opened = await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, {});
    expect(opened.status).toBe(200);
    return drafted.body.id as string;
  };

  it('applies each command once when the api dies mid-command and the client retries elsewhere', async () => {
    const refs = sevenoaksPlan().themes.flatMap((t) => t.measures.map((m) => m.ref));
    const cycles = [
      await openCycle('Crash year A', '2020-04-01', '2021-03-31'),
      await openCycle('Crash year B', '2021-04-01', '2022-03-31'),
    ];
    const commands = cycles.flatMap((cycleId) =>
      refs.map((ref) => ({
        path: `/returns/${cycleId}.${ref}/draft`,
        key: `draft-${cycleId}-${ref}`,
        body: { rag: 'amber', narrative: `Progress on ${ref}` },
      })),
    );
    const drafts = async () =>
      (
        await product.db.dataSource.query(
          `SELECT stream_id, count(*)::int AS n FROM events WHERE type = 'ReturnDraftSaved' GROUP BY stream_id`,
        )
      ).map((r: { stream_id: string; n: number }) => [r.stream_id, r.n]) as [string, number][];

    const spawned = await spawnApi(product.config);
    child = spawned.child;
    const doomed = http(spawned.baseUrl);
    // Every command at once, so that the kill finds some committed, some mid-transaction, some not begun.
    const first = commands.map((c) =>
      doomed('PUT', c.path, { ...as.coordinator, 'idempotency-key': c.key }, c.body).then(
        (answer) => answer,
        () => null,
      ),
    );
    const deadline = Date.now() + 30_000;
    while ((await drafts()).length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    await kill(child);
    child = null;
    const answered = await Promise.all(first);
    const lost = answered.filter((a) => a === null).length;
    expect(lost).toBeGreaterThan(0); // the kill landed while commands were in flight

    // Every client retries with the same key and body against an api that is alive.
    const retries: Awaited<ReturnType<typeof call>>[] = [];
    for (const c of commands) {
      const headers = { ...as.coordinator, 'idempotency-key': c.key };
      let retry = await call('PUT', c.path, headers, c.body);
      // A key left held by the dead api would answer 409 here until some lease ran out.
      const until = Date.now() + 90_000;
      while (retry.status === 409 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1_000));
        retry = await call('PUT', c.path, headers, c.body);
      }
      retries.push(retry);
    }
    expect(retries.map((r) => r.status)).toEqual(commands.map(() => 200));
    // Exactly one draft per return: none lost, none applied twice.
    const counts = await drafts();
    expect(counts).toHaveLength(commands.length);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
    // A command that answered before the kill is replayed, with the answer it gave.
    answered.forEach((answer, i) => {
      if (answer?.status !== 200) return;
      expect(retries[i].headers.get('idempotent-replayed')).toBe('true');
      expect(retries[i].body).toEqual(answer.body);
    });
    const keys = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key LIKE 'draft-%' AND status = 200`,
    );
    expect(keys).toEqual([{ n: commands.length }]);
  }, 180_000);
});
