import { readFileSync } from 'node:fs';
import { as, http, Product, SEVENOAKS_FILE, startProduct } from './support/product.js';

/** The coordinator loads and edits the plan over the API: checked whole, recorded as changes only. */
describe('plan import over HTTP (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const yaml = readFileSync(SEVENOAKS_FILE, 'utf8');

  beforeAll(async () => {
    product = await startProduct('plan_http');
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('previews, imports, and re-imports an edited file as change events', async () => {
    const preview = await call('POST', '/plan/import', as.coordinator, { yaml, dryRun: true });
    expect(preview.status).toBe(200);
    // 73 events: the example carries only the 10 priorities the seed report lists (issue 12 point 5).
    expect(preview.body).toMatchObject({ dryRun: true, eventCount: 73 });
    expect(await product.store.streamVersion('plan:sevenoaks-lsp:community-plan-2019-22')).toBeNull();

    const first = await call('POST', '/plan/import', as.coordinator, { yaml });
    expect(first.body).toMatchObject({ dryRun: false, eventCount: 73 });
    const edited = yaml.replace(
      'text: 85% of actions in the Community Safety Partnership Strategy and action plan achieved each year',
      'text: 90% of actions in the Community Safety Partnership Strategy and action plan achieved each year',
    );
    expect(edited).not.toBe(yaml);
    const second = await call('POST', '/plan/import', as.coordinator, { yaml: edited });
    expect(second.body).toMatchObject({ eventCount: 1, changes: [{ type: 'MeasureChanged', count: 1 }] });
    const events = await product.store.readStream('plan:sevenoaks-lsp:community-plan-2019-22');
    expect(events.at(-1)).toMatchObject({
      type: 'MeasureChanged',
      metadata: { actorRole: 'coordinator', reason: 'plan imported' },
    });
  });

  it('rejects an invalid file whole, listing every problem with its line', async () => {
    const broken = yaml
      .replace('leadAgency: sevenoaks-csp', 'leadAgency: nobody')
      .replace('ref: S2', 'ref: S1');
    const before = await product.store.streamVersion('plan:sevenoaks-lsp:community-plan-2019-22');
    const rejected = await call('POST', '/plan/import', as.coordinator, { yaml: broken });
    expect(rejected.status).toBe(422);
    expect(rejected.headers.get('content-type')).toContain('application/problem+json');
    expect(rejected.body.code).toBe('invalid-plan-file');
    expect(rejected.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message: expect.stringContaining('names agency "nobody"'),
          line: expect.any(Number),
        }),
        expect.objectContaining({ message: expect.stringContaining('duplicate measure ref "S1"') }),
      ]),
    );
    expect(await product.store.streamVersion('plan:sevenoaks-lsp:community-plan-2019-22')).toBe(before);
  });

  it('refuses a misspelt key instead of ignoring it, naming its line and what was meant', async () => {
    // "rol: senior" once made a senior contact a lead, who was then sent submission links.
    const lines = yaml.split('\n');
    const role = lines.indexOf('        role: senior') + 1;
    lines[role - 1] = '        rol: senior';
    const before = await product.store.streamVersion('plan:sevenoaks-lsp:community-plan-2019-22');
    const rejected = await call('POST', '/plan/import', as.coordinator, { yaml: lines.join('\n') });
    expect(rejected.status).toBe(422);
    expect(rejected.body.problems).toEqual([
      {
        path: 'agencies[0].contacts[1].rol',
        line: role,
        message: 'is not a key here: did you mean "role"?',
      },
    ]);
    expect(await product.store.streamVersion('plan:sevenoaks-lsp:community-plan-2019-22')).toBe(before);
  });

  it('refuses invisible and lookalike characters in a contact, each on its line, even in a dry run', async () => {
    // An operator's probe: a dry run answered 200 AgencyContactAdded for each of these.
    const lines = yaml.split('\n');
    const contact = lines.indexOf('      - name: Priya Shah') + 1;
    for (const [name, email, field] of [
      ['Priya Shah', 'priya.shah\u200b@example.org', 'email'],
      ['Priya Shah', '\uff50riya.shah@example.org', 'email'],
      ['Priya Shah', 'priya.shah@ex\u0430mple.org', 'email'],
      ['Evil\u202eGnp', 'evil@example.org', 'name'],
    ]) {
      // A second contact beside Priya Shah, whose own address stays.
      const file = [
        ...lines.slice(0, contact - 1),
        `      - name: ${JSON.stringify(name)}`,
        `        email: ${JSON.stringify(email)}`,
        '        role: senior',
        ...lines.slice(contact - 1),
      ].join('\n');
      const answer = await call('POST', '/plan/import', as.coordinator, { yaml: file, dryRun: true });
      expect([name, email, answer.status]).toEqual([name, email, 422]);
      expect(answer.body.code).toBe('invalid-plan-file');
      expect(answer.body.problems).toEqual([
        {
          path: `agencies[0].contacts[0].${field}`,
          line: field === 'email' ? contact + 1 : contact,
          message: expect.stringMatching(
            field === 'email' ? /^must be written in plain ASCII/ : /^must not hold invisible/,
          ),
        },
      ]);
    }
  });

  it("refuses a deep file with an apostrophe in it before parsing it, never with the parser's own error", async () => {
    const deep = 100_000;
    const started = Date.now();
    const answer = await call('POST', '/plan/import', as.coordinator, {
      yaml: `x: [a', ${'['.repeat(deep)}${']'.repeat(deep)}]\n`,
      dryRun: true,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([
      { path: '', line: 1, message: expect.stringContaining('nests lists or maps more than 32 deep') },
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/call stack/i);
  });

  it('lets only a coordinator of that partnership load it', async () => {
    expect((await call('POST', '/plan/import', as.reviewer, { yaml })).status).toBe(403);
    expect((await call('POST', '/plan/import', as.lead('sevenoaks-csp'), { yaml })).status).toBe(403);
    expect((await call('POST', '/plan/import', {}, { yaml })).status).toBe(401);
    const other = await call('POST', '/plan/import', as.otherCoordinator, { yaml });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('other-partnership');
    expect((await call('POST', '/plan/import', as.coordinator, { yaml: 42 })).status).toBe(400);
  });
});
