import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';
import { projectionsSettled } from './support/reporting.js';
import { postPageForm } from './support/page-form.js';

/**
 * A cycle drafted without a name is named from its label, from the new-cycle page as over the API: its links and
 * report file names read `year-1-2019-20`, not a UUID. A label used again gets `-2`, `-3`..., two drafted at the
 * same moment included; a label with nothing to read still gets a UUID.
 */
describe('cycles named from their labels (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let session: string;
  const dates = {
    'periodStart-day': '1',
    'periodStart-month': '4',
    'periodStart-year': '2019',
    'periodEnd-day': '31',
    'periodEnd-month': '3',
    'periodEnd-year': '2020',
    'dueDate-day': '30',
    'dueDate-month': '4',
    'dueDate-year': '2032',
  };
  const draft = (body: Record<string, unknown>) =>
    call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2032-04-30',
      ...body,
    });

  /** The new-cycle form posted as the coordinator's browser posts it, signed in, with the CSRF cookie and token. */
  async function postNewCycle(form: Record<string, string>) {
    const { status, html, location } = await postPageForm(product.baseUrl, {
      from: '/coordinate/cycles/new',
      headers: { cookie: session },
      fields: { ...dates, ...form },
    });
    return {
      status,
      html,
      cycleId: location ? decodeURIComponent(location.split('?')[0].split('/').pop()!) : null,
    };
  }

  beforeAll(async () => {
    product = await startProduct('readable_cycle_ids');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    session = signIn.headers.get('set-cookie')!.split(';')[0];
  });
  afterAll(() => product.stop());

  it('names a cycle opened from the page from its label, and the next of that label -2, as the API does', async () => {
    const opened = await postNewCycle({ label: 'Year 1 2019/20' });
    expect([opened.status, opened.cycleId]).toEqual([303, 'sevenoaks-lsp~year-1-2019-20']);

    const again = await draft({ label: 'Year 1 2019/20' });
    expect([again.status, again.body.id]).toEqual([201, 'sevenoaks-lsp~year-1-2019-20-2']);
    expect(again.headers.get('location')).toBe('/cycles/sevenoaks-lsp~year-1-2019-20-2');
    const third = await postNewCycle({ label: 'YEAR 1 — 2019/20' });
    expect(third.cycleId).toBe('sevenoaks-lsp~year-1-2019-20-3');

    // The name alone is the cycle in the partnership's own URLs, and the report's file name reads it.
    await projectionsSettled(product);
    const report = await fetch(`${product.baseUrl}/cycles/year-1-2019-20/report`, {
      headers: as.coordinator,
    });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toBe(
      'inline; filename="sevenoaks-lsp-year-1-2019-20-report.json"',
    );
    const csv = await fetch(`${product.baseUrl}/cycles/year-1-2019-20-2/report?format=csv`, {
      headers: as.coordinator,
    });
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="sevenoaks-lsp-year-1-2019-20-2-report.csv"',
    );
  });

  it('gives two cycles of one label drafted at the same moment a name each, never the same', async () => {
    // One with an Idempotency-Key, whose draft runs in a transaction held open until its key is stored.
    const body = {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 2 2020/21',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2032-04-30',
    };
    const both = await Promise.all([
      call('POST', '/cycles', as.coordinator, body),
      call('POST', '/cycles', { ...as.coordinator, 'idempotency-key': 'year-2-at-once' }, body),
      call('POST', '/cycles', as.coordinator, body),
    ]);
    expect(both.map((d) => d.status)).toEqual([201, 201, 201]);
    expect(both.map((d) => d.body.id).sort()).toEqual([
      'sevenoaks-lsp~year-2-2020-21',
      'sevenoaks-lsp~year-2-2020-21-2',
      'sevenoaks-lsp~year-2-2020-21-3',
    ]);
    for (const { body } of both) {
      const read = await call('GET', `/cycles/${encodeURIComponent(body.id)}`, as.coordinator);
      expect([read.status, read.body.label]).toEqual([200, 'Year 2 2020/21']);
    }
  });

  it('moves on to the next name when another draft takes it between reading the names and appending', async () => {
    // Another coordinator's draft of the label, appended but not yet committed: the names read do not show it,
    // so this draft tries the same name, waits on the stream, and is refused it once the other commits.
    let drafting: ReturnType<typeof draft> | undefined;
    await product.db.dataSource.transaction(async (manager) => {
      await product.store.append(
        'cycle:sevenoaks-lsp~year-4-2022-23',
        'no_stream',
        [
          {
            type: 'CycleDrafted',
            data: {
              cycleId: 'sevenoaks-lsp~year-4-2022-23',
              partnershipId: 'sevenoaks-lsp',
              planId: 'community-plan-2019-22',
              label: 'Year 4 2022/23',
              periodStart: '2022-04-01',
              periodEnd: '2023-03-31',
              dueDate: '2032-04-30',
            },
          },
        ],
        { actorId: 'cora', actorRole: 'coordinator', correlationId: 'at-the-same-moment' },
        {},
        manager,
      );
      drafting = draft({ label: 'Year 4 2022/23' });
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    const second = await drafting!;
    expect([second.status, second.body.id]).toEqual([201, 'sevenoaks-lsp~year-4-2022-23-2']);
    const first = await call('GET', '/cycles/year-4-2022-23', as.coordinator);
    expect([first.status, first.body.cycleId]).toEqual([200, 'sevenoaks-lsp~year-4-2022-23']);
  });

  it('falls back to a UUID for a label with nothing to read, and keeps a chosen name or refuses it (409)', async () => {
    const unreadable = await draft({ label: '🎉 🎉' });
    expect(unreadable.body.id).toMatch(
      /^sevenoaks-lsp~[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    // A name the coordinator chose is never quietly changed: taken, it is theirs to change.
    const taken = await draft({ label: 'Another year', cycleId: 'year-1-2019-20' });
    expect([taken.status, taken.body.code]).toEqual([409, 'cycle-exists']);
  });

  it('takes a short name from the page, and asks again for one taken or not well formed', async () => {
    const named = await postNewCycle({ label: 'Year 3 2021/22', cycleId: 'y3' });
    expect([named.status, named.cycleId]).toEqual([303, 'sevenoaks-lsp~y3']);
    const taken = await postNewCycle({ label: 'Year 3 again', cycleId: 'y3' });
    expect(taken.status).toBe(400);
    expect(taken.html).toContain('href="#cycleId">Your partnership already has a cycle of that name</a>');
    expect(taken.html).toMatch(/name="cycleId"[^>]*value="y3"|value="y3"[^>]*name="cycleId"/);
    const odd = await postNewCycle({ label: 'Year 3 again', cycleId: 'Year 3!' });
    expect(odd.status).toBe(400);
    expect(odd.html).toContain('href="#cycleId">Short name must be lower-case letters, digits and hyphens');
  });
});
