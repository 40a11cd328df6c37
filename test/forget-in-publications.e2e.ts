import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SystemClock } from '../libs/kernel/src/index.js';
import { runPersonForget } from '../scripts/person-forget-command.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  startProduct,
} from './support/product.js';
import { withOneConnectionLeft } from './support/pool.js';

/**
 * A published report is the bytes its ReportPublished's hash vouches for. Forgetting a person named in one (a
 * lead's address in a narrative, say) must leave nothing of them readable there, and every publication kept must
 * still match its hash: so the publication is re-issued without them, as a redaction re-issues one, and its old
 * bytes are deleted with the reason, never rewritten in place.
 */
describe('forgetting a person a publication names (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const priya = csp.contacts.find((c) => c.role === 'lead')!;
  const tom = csp.contacts.find((c) => c.role === 'senior')!;

  const publications = () =>
    product.db.dataSource.query(
      `SELECT publication, body, content_hash, redaction_reason, reissued_as FROM published_reports
       WHERE cycle_id = $1 ORDER BY publication`,
      [cycleId],
    ) as Promise<
      {
        publication: number;
        body: string | null;
        content_hash: string;
        redaction_reason: string | null;
        reissued_as: number | null;
      }[]
    >;

  beforeAll(async () => {
    product = await startProduct('forget_publications');
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
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1'] })).status,
    ).toBe(200);
    const s1 = `${cycleId}.S1`;
    const lead = as.lead('sevenoaks-csp');
    const draft = {
      rag: 'green',
      narrative: `On track. For the figures ask ${priya.email} or ${tom.email}; **${priya.email}** keeps the list.`,
      dot: 'improving',
    };
    expect((await call('PUT', `/returns/${s1}/draft`, lead, draft)).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/submit`, lead)).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/approve`, as.reviewer)).status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    // The report is built from the read model the worker projects: publish once it holds the approval.
    await eventually(async () => {
      const report = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
      return JSON.stringify(report.body).includes('On track') ? report : null;
    });
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator)).status).toBe(201);
  }, 90_000);
  afterAll(() => product.stop());

  it('re-issues the publication without them; every publication kept still matches its hash', async () => {
    const [before] = await publications();
    expect(before.body).toContain(priya.email);

    // The re-issue reads the cycle in the forgetting's transaction, on its connection: with the api's others all
    // held, a read asking the pool for one waited out its 10 s (503).
    const started = Date.now();
    const forgotten = await withOneConnectionLeft(product.api.get(DataSource), () =>
      call('POST', '/partnership/people/forget', as.coordinator, {
        email: priya.email,
        reason: 'Erasure asked for under UK GDPR article 17',
      }),
    );
    expect([forgotten.status, forgotten.body.code]).toEqual([200, undefined]);
    expect(Date.now() - started).toBeLessThan(8_000);

    const after = await publications();
    expect(after).toHaveLength(2);
    const [old, reissued] = after;
    // The old bytes are gone, their hash kept with why; the new ones are what their own hash says.
    expect(old).toMatchObject({
      publication: 1,
      body: null,
      content_hash: before.content_hash,
      reissued_as: 2,
    });
    expect(old.redaction_reason).toBeTruthy();
    expect(old.redaction_reason).not.toContain(priya.email);
    for (const kept of after.filter((p) => p.body !== null)) {
      expect(createHash('sha256').update(kept.body!, 'utf8').digest('hex')).toBe(kept.content_hash);
    }
    expect(reissued.body).not.toContain(priya.email);
    expect(reissued.body!.toLowerCase()).not.toContain(priya.email.toLowerCase());
    expect(reissued.body).toContain('[erased]');
    // Her colleague, not forgotten, is as he was; the HTML made from the narrative is made again.
    expect(reissued.body).toContain(tom.email);
    const measure = JSON.stringify(JSON.parse(reissued.body!));
    expect(measure).toContain('<strong>[erased]</strong>');

    // The public report reads the re-issue; the ReportPublished of the re-issue carries its hash.
    const latest = await call('GET', `/cycles/${cycleId}/report?published=latest`, as.coordinator);
    expect(latest.status).toBe(200);
    expect(JSON.stringify(latest.body)).not.toContain(priya.email);
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReportPublished' AND data->>'contentHash' = $1`,
      [reissued.content_hash],
    );
    expect(n).toBe(1);
  });

  it('re-issues it too when the operator forgets someone it names (person:forget, by the system)', async () => {
    // The re-issue's PublishReport was refused to anyone but a coordinator: the operator's forgetting failed.
    const out = await runPersonForget(product.db.dataSource, new SystemClock(), {
      email: tom.email,
      reason: 'Erasure asked for under UK GDPR article 17',
      by: 'operator',
    });
    expect(out.join('\n')).toContain('Forgotten');
    const after = await publications();
    expect(after).toHaveLength(3);
    expect(after.filter((p) => p.body !== null)).toHaveLength(1);
    const [kept] = after.filter((p) => p.body !== null);
    expect(kept.body!.toLowerCase()).not.toContain(tom.email.toLowerCase());
    expect(createHash('sha256').update(kept.body!, 'utf8').digest('hex')).toBe(kept.content_hash);
  });
});
