import { cycleStreamId } from '../libs/returns/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';

/**
 * The morning a cycle's links go out, every lead opens theirs within a few seconds, some twice (a double click, a
 * second tab). Each use is written to the cycle's one stream, so the uses outrun one another; none of them may
 * be answered with a conflict the lead can do nothing about. Each lead clicks from an address of their own (the
 * product sits behind a proxy it trusts), as they would from their own offices.
 */
describe('a burst of link uses (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('link_burst', undefined, { TRUST_PROXY: 'loopback' });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('opens every link of leads clicking at once, each once or several times, with none refused', async () => {
    const label = 'Burst 2021/22';
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2021-04-01',
      periodEnd: '2022-03-31',
      dueDate: '2030-04-30',
    });
    const cycleId = drafted.body.id as string;
    expect((await call('POST', `/cycles/${cycleId}/open`, as.coordinator, {})).status).toBe(200);
    const links = await call('GET', `/cycles/${cycleId}/links`, as.coordinator);
    const leads = [
      ...new Set(links.body.links.map((l: { contactEmail: string }) => l.contactEmail)),
    ] as string[];
    expect(leads.length).toBeGreaterThan(5);
    const tokens = await Promise.all(
      leads.map(async (email) => {
        const mail = await eventually(async () =>
          product.smtp.mails.find((m) => m.to.includes(email) && m.subject.includes(label)),
        );
        return /\/l\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
      }),
    );
    const before = (await product.store.readStream(cycleStreamId(cycleId))).length;

    const clicks = tokens.flatMap((token, lead) => [1, 2, 3].map(() => ({ token, lead })));
    const answers = await Promise.all(
      clicks.map(({ token, lead }) =>
        fetch(`${product.baseUrl}/l`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-forwarded-for': `198.51.100.${lead + 1}`,
          },
          body: `token=${encodeURIComponent(token)}`,
        }),
      ),
    );

    expect(answers.map((a) => a.status).filter((status) => status !== 303)).toEqual([]);
    const uses = (await product.store.readStream(cycleStreamId(cycleId))).slice(before);
    expect(uses.filter((e) => e.type === 'SubmissionLinkUsed')).toHaveLength(clicks.length);
  });
});
