import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';

/** Outside production with no SMTP_URL the service keeps its mail: a page for people, JSON for scripts. */
describe('/dev/mail (e2e)', () => {
  let product: Product;
  const lead = 'priya.shah@example.org';

  beforeAll(async () => {
    product = await startProduct('dev_mail', undefined, { SMTP_URL: '' });
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
  });
  afterAll(() => product.stop());

  it('lists caught mail as JSON to a client asking for it', async () => {
    const mail = await eventually(async () => {
      const listed = await http(product.baseUrl)('GET', '/dev/mail', { accept: 'application/json' });
      expect(listed.headers.get('content-type')).toContain('application/json');
      return (listed.body.mail as { to: string[] | string; subject: string }[]).find((m) =>
        String(m.to).includes(lead),
      );
    });
    expect(mail.subject).toContain('Year 1 2019/20');
  });

  it('shows a browser a GOV.UK page, the links in each mail clickable', async () => {
    const page = await fetch(`${product.baseUrl}/dev/mail`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const text = await page.text();
    expect(text).toContain('Mail caught in development');
    expect(text).toContain('govuk-template');
    expect(text).toContain(lead);
    expect(text).toMatch(/<a class="govuk-link" href="http:\/\/[^"]+\/l\/[A-Za-z0-9_-]{43}">/);
  });
});
