import { parsePlanFile } from '../libs/plan/src/index.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';

const PLAN = 'plan:sevenoaks-lsp:community-plan-2019-22';
const PARTNERSHIP = 'partnership:sevenoaks-lsp';

/**
 * The coordinator's plan page (issue 13 point 9): the whole plan shown, each part edited with a GOV.UK form and
 * recorded as the same plan events an import records, stale forms refused keeping what was typed, bad input
 * named in plain words, and the YAML download that imports back to nothing.
 */
describe('the plan page (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let csrf = { token: '', cookie: '' };

  /** A page as the coordinator's browser gets it, keeping the form's CSRF token and cookie. */
  const page = async (path: string, status = 200) => {
    const res = await fetch(`${product.baseUrl}${path}`, { headers: as.coordinator });
    expect([path, res.status]).toEqual([path, status]);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) {
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      csrf = { token, cookie: cookie || csrf.cookie };
    }
    return html;
  };
  const versionIn = (html: string) => /name="version" value="([^"]+)"/.exec(html)![1];
  const post = (path: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: csrf.token });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...as.coordinator,
        origin: product.baseUrl,
        cookie: csrf.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
    });
  };
  const eventsSince = async (plan: number, partnership: number) => [
    ...(await product.store.readStream(PARTNERSHIP)).slice(partnership),
    ...(await product.store.readStream(PLAN)).slice(plan),
  ];
  const lengths = async () =>
    [
      (await product.store.readStream(PLAN)).length,
      (await product.store.readStream(PARTNERSHIP)).length,
    ] as const;

  /** Opens a form, saves it, and answers the events it recorded. */
  const save = async (form: string, fields: Record<string, string | string[]>) => {
    const html = await page(form);
    const [plan, partnership] = await lengths();
    const res = await post(form, { ...fields, version: versionIn(html) });
    expect([form, res.status]).toEqual([form, 303]);
    expect(res.headers.get('location')).toMatch(/^\/coordinate\/plan\?done=/);
    const events = await eventsSince(plan, partnership);
    for (const e of events)
      expect(e.metadata).toMatchObject({ actorRole: 'coordinator', reason: 'plan edited' });
    return {
      events: events.map((e) => ({ type: e.type, data: e.data })),
      location: res.headers.get('location')!,
    };
  };

  beforeAll(async () => {
    product = await startProduct('plan_page');
    call = http(product.baseUrl);
    await importSevenoaks(product.store);
  });
  afterAll(() => product.stop());

  it('shows the whole plan: themes, ambitions, priorities, measures with lead and priority, agencies and contacts', async () => {
    const html = await page('/coordinate/plan');
    const plan = sevenoaksPlan();
    for (const theme of plan.themes) {
      expect(html).toContain(theme.title);
      for (const p of theme.priorities)
        expect(html).toContain(`href="/coordinate/plan/priority/${p.ref}/change"`);
      for (const m of theme.measures)
        expect(html).toContain(`href="/coordinate/plan/measure/${m.ref}/change"`);
    }
    expect(html).toContain('Priority: C-P1');
    expect(html).toContain(
      '<li>Indicator: Actions achieved (%): target 85, higher is better; amber below 85 (0% from target), red below 75 <a class="govuk-link" href="/coordinate/plan/indicator/S1~Actions%20achieved/change">Change<span class="govuk-visually-hidden"> indicator Actions achieved of S1</span></a>',
    );
    for (const agency of plan.agencies) {
      expect(html).toContain(agency.name.replace(/'/g, '&#39;'));
      for (const c of agency.contacts) expect(html).toContain(`${c.email} (${c.role} contact)`);
    }
    expect(html).toContain('1 April 2019 to 31 March 2022');
    expect(html).toContain('href="/coordinate/plan/download"');
  });

  it('downloads the plan as YAML that imports back to nothing', async () => {
    const res = await fetch(`${product.baseUrl}/coordinate/plan/download`, { headers: as.coordinator });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="sevenoaks-lsp-community-plan-2019-22.yaml"',
    );
    const yaml = await res.text();
    const parsed = parsePlanFile(yaml);
    expect(parsed.ok && parsed.plan).toEqual(sevenoaksPlan());
    const before = await product.store.streamVersion(PLAN);
    const again = await call('POST', '/plan/import', as.coordinator, { yaml });
    expect(again.body).toMatchObject({ eventCount: 0, changes: [] });
    expect(await product.store.streamVersion(PLAN)).toBe(before);
    expect(
      (await fetch(`${product.baseUrl}/coordinate/plan/download`, { headers: as.reviewer })).status,
    ).toBe(403);
  });

  it('imports an uploaded plan file as the pasted one, checking it first', async () => {
    const upload = async (fields: Record<string, string>, file?: { text: string; name: string }) => {
      await page('/coordinate/plan');
      const form = new FormData();
      form.append('_csrf', csrf.token);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      if (file) form.append('file', new Blob([file.text], { type: 'application/yaml' }), file.name);
      const res = await fetch(`${product.baseUrl}/coordinate/plan/upload`, {
        method: 'POST',
        headers: { ...as.coordinator, origin: product.baseUrl, cookie: csrf.cookie },
        body: form,
      });
      return { status: res.status, html: await res.text() };
    };
    const yaml = await (
      await fetch(`${product.baseUrl}/coordinate/plan/download`, { headers: as.coordinator })
    ).text();
    const before = await lengths();
    const checked = await upload({ action: 'preview' }, { text: yaml, name: 'plan.yaml' });
    expect(checked.status).toBe(200);
    expect(checked.html).toContain('The file is valid. It would record: No changes');
    const edited = yaml.replace('text: Enforcement action taken', 'text: Firm enforcement action taken');
    expect(edited).not.toBe(yaml);
    const imported = await upload({ action: 'import' }, { text: edited, name: 'plan.yaml' });
    expect(imported.html).toContain('Plan imported: 1 MeasureChanged');
    const [plan] = await lengths();
    expect(plan).toBe(before[0] + 1);
    const none = await upload({ action: 'import' });
    expect(none.status).toBe(400);
    expect(none.html).toContain('<a href="#file">Select a plan file</a>');
    // At the box too, not only in the summary: the file input carries the message (GOV.UK's error message).
    expect(none.html).toMatch(
      /<p id="file-error" class="govuk-error-message">[^<]*<span[^>]*>Error:<\/span> Select a plan file/,
    );
    expect(none.html).toMatch(/<input [^>]*id="file"[^>]*aria-describedby="[^"]*file-error/);
    const big = await upload({ action: 'import' }, { text: `# ${'x'.repeat(1_000_001)}`, name: 'big.yaml' });
    expect(big.html).toContain('The file must be smaller than 1 MB');
    // 2,000 fields before the file were "The file could not be read: choose it again" (a review, 2026-12-06).
    const crowded = await upload(
      Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`f${i}`, 'x'])),
      { text: yaml, name: 'plan.yaml' },
    );
    expect(crowded.status).toBe(400);
    expect(crowded.html).toContain('<a href="#file">The form may send at most 4 fields with its file</a>');
    const broken = await upload(
      { action: 'import' },
      { text: yaml.replace('leadAgency: sevenoaks-dc', 'leadAgency: nobody'), name: 'plan.yaml' },
    );
    expect(broken.status).toBe(400);
    expect(broken.html).toMatch(
      /<p id="file-error" class="govuk-error-message">[^<]*<span[^>]*>Error:<\/span> Line \d+/,
    );
    // A pasted file's problem is at the box it was pasted in.
    await page('/coordinate/plan');
    const pasted = await post('/coordinate/plan', { action: 'preview', yaml: 'plan: [' });
    expect(pasted.status).toBe(400);
    const pastedHtml = await pasted.text();
    expect(pastedHtml).toMatch(/<p id="yaml-error" class="govuk-error-message">/);
    expect(pastedHtml).not.toContain('id="file-error"');
    expect(broken.html).toContain('names agency &quot;nobody&quot;');
    expect((await lengths())[0]).toBe(plan);
  });

  it('records each form’s edit as the plan events an import records', async () => {
    expect(
      (
        await save('/coordinate/plan/measure/S2/change', {
          theme: 'safe-communities',
          text: 'Reworded S2',
          leadAgency: 'sevenoaks-csp',
          priority: '',
        })
      ).events,
    ).toEqual([
      {
        type: 'MeasureChanged',
        data: { ref: 'S2', changes: expect.objectContaining({ text: 'Reworded S2' }) },
      },
    ]);

    const theme = await save('/coordinate/plan/theme/new', {
      id: 'arts',
      title: 'Arts and Culture',
      ambition: 'More people enjoy the arts',
      leadAgencies: ['sevenoaks-dc', 'kent-cc'],
      measureRef: 'A1',
      measureText: 'Visits to the museum rise',
      measureLeadAgency: 'sevenoaks-dc',
    });
    expect(theme.events.map((e) => e.type)).toEqual(['ThemeAdded', 'MeasureAdded']);
    expect(theme.events[0].data).toMatchObject({
      themeId: 'arts',
      leadAgencyIds: ['sevenoaks-dc', 'kent-cc'],
    });
    expect(decodeURIComponent(theme.location)).toContain('Theme added');
    expect(await page(theme.location)).toContain('govuk-notification-banner--success');

    expect(
      (await save('/coordinate/plan/priority/new', { ref: 'A-P1', theme: 'arts', text: 'Open doors' }))
        .events,
    ).toEqual([
      { type: 'PriorityAdded', data: { ref: 'A-P1', themeId: 'arts', text: 'Open doors', position: 0 } },
    ]);
    expect(
      (
        await save('/coordinate/plan/measure/new', {
          ref: 'A2',
          theme: 'arts',
          text: 'Library loans',
          leadAgency: 'kent-cc',
          priority: 'A-P1',
        })
      ).events,
    ).toEqual([
      {
        type: 'MeasureAdded',
        data: expect.objectContaining({ ref: 'A2', themeId: 'arts', priorityRef: 'A-P1' }),
      },
    ]);
    expect(
      (
        await save('/coordinate/plan/theme/arts/change', {
          title: 'Arts',
          ambition: 'More people enjoy the arts',
          leadAgencies: 'kent-cc',
        })
      ).events,
    ).toEqual([
      {
        type: 'ThemeChanged',
        data: { themeId: 'arts', changes: { title: 'Arts', leadAgencyIds: ['kent-cc'] } },
      },
    ]);
    const agency = await save('/coordinate/plan/agency/new', {
      id: 'arts-trust',
      name: 'Arts Trust',
      contactName: 'Ada',
      contactEmail: 'ada@example.org',
    });
    expect(agency.events).toEqual([
      { type: 'AgencyAdded', data: { agencyId: 'arts-trust', name: 'Arts Trust' } },
      {
        type: 'AgencyContactAdded',
        data: { agencyId: 'arts-trust', name: 'Ada', email: 'ada@example.org', role: 'lead' },
      },
    ]);
    expect(
      (await save('/coordinate/plan/agency/arts-trust/change', { name: 'The Arts Trust' })).events,
    ).toEqual([{ type: 'AgencyRenamed', data: { agencyId: 'arts-trust', name: 'The Arts Trust' } }]);
    expect(
      (
        await save('/coordinate/plan/contact/new', {
          agency: 'arts-trust',
          name: 'Ben',
          email: 'ben@example.org',
          role: 'lead',
        })
      ).events,
    ).toEqual([
      {
        type: 'AgencyContactAdded',
        data: { agencyId: 'arts-trust', name: 'Ben', email: 'ben@example.org', role: 'lead' },
      },
    ]);
    const ada = encodeURIComponent('arts-trust~ada@example.org');
    expect(
      (await save(`/coordinate/plan/contact/${ada}/change`, { name: 'Ada Lovelace', role: 'senior' })).events,
    ).toEqual([
      {
        type: 'AgencyContactChanged',
        data: { agencyId: 'arts-trust', name: 'Ada Lovelace', email: 'ada@example.org', role: 'senior' },
      },
    ]);
    expect((await save(`/coordinate/plan/contact/${ada}/remove`, {})).events).toEqual([
      { type: 'AgencyContactRemoved', data: { agencyId: 'arts-trust', email: 'ada@example.org' } },
    ]);
    expect((await save('/coordinate/plan/priority/A-P1/change', { text: 'Open more doors' })).events).toEqual(
      [
        {
          type: 'PriorityChanged',
          data: { ref: 'A-P1', themeId: 'arts', text: 'Open more doors', position: 0 },
        },
      ],
    );
    expect((await save('/coordinate/plan/measure/A2/remove', {})).events).toEqual([
      { type: 'MeasureRetired', data: { ref: 'A2' } },
    ]);
    expect((await save('/coordinate/plan/priority/A-P1/remove', {})).events).toEqual([
      { type: 'PriorityRemoved', data: { ref: 'A-P1' } },
    ]);
    expect((await save('/coordinate/plan/theme/arts/remove', {})).events).toEqual([
      { type: 'MeasureRetired', data: { ref: 'A1' } },
      { type: 'ThemeRemoved', data: { themeId: 'arts' } },
    ]);
    expect((await save('/coordinate/plan/agency/arts-trust/remove', {})).events).toEqual([
      { type: 'AgencyRetired', data: { agencyId: 'arts-trust' } },
    ]);

    // After all of it, the download still imports back to nothing.
    const yaml = await (
      await fetch(`${product.baseUrl}/coordinate/plan/download`, { headers: as.coordinator })
    ).text();
    expect(yaml).toContain('text: Reworded S2');
    expect((await call('POST', '/plan/import', as.coordinator, { yaml, dryRun: true })).body).toMatchObject({
      eventCount: 0,
    });
  });

  it('refuses a form opened before someone else’s change, keeping what was typed', async () => {
    const html = await page('/coordinate/plan/measure/S3/change');
    const old = versionIn(html);
    await save('/coordinate/plan/measure/S4/change', {
      theme: 'safe-communities',
      text: 'Someone else’s words',
      leadAgency: 'sevenoaks-csp',
      priority: '',
    });
    const [plan, partnership] = await lengths();
    const res = await post('/coordinate/plan/measure/S3/change', {
      theme: 'safe-communities',
      text: 'My careful new wording',
      leadAgency: 'sevenoaks-csp',
      priority: '',
      version: old,
    });
    expect(res.status).toBe(409);
    const again = await res.text();
    expect(again).toContain('<title>Error: Change key success measure S3');
    expect(again).toContain('Someone changed the plan since you opened this page');
    expect(again).toContain('My careful new wording</textarea>');
    expect(versionIn(again)).not.toBe(old);
    expect(await eventsSince(plan, partnership)).toEqual([]);
  });

  it('names each problem in plain words, in the summary and by the field, and records nothing', async () => {
    const html = await page('/coordinate/plan/measure/new');
    const [plan, partnership] = await lengths();
    const res = await post('/coordinate/plan/measure/new', {
      ref: 'S1',
      theme: '',
      text: 'Typed text kept',
      leadAgency: 'nobody',
      version: versionIn(html),
    });
    expect(res.status).toBe(422);
    const page2 = await res.text();
    expect(page2).toContain('<title>Error: Add a key success measure');
    expect(page2).toContain('govuk-error-summary');
    for (const [field, words] of [
      ['ref', 'There is already a measure S1'],
      ['theme', 'Choose the theme'],
      ['leadAgency', 'Choose the lead agency'],
    ]) {
      expect(page2).toContain(`<a href="#${field}">${words}</a>`);
      expect(page2).toMatch(new RegExp(`id="${field}-error"[^]*?Error:</span> ${words}`));
    }
    expect(page2).toContain('Typed text kept</textarea>');
    expect(await eventsSince(plan, partnership)).toEqual([]);

    const contact = await page('/coordinate/plan/contact/new');
    const bad = await post('/coordinate/plan/contact/new', {
      agency: 'kent-cc',
      name: '',
      email: 'not an email',
      version: versionIn(contact),
    });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain('Enter the contact’s name');
    expect(text).toContain('Enter an email address in the correct format, like name@example.org');
    expect(text).toContain('Choose whether the contact is a lead or a senior contact');

    // An operator's probe: the plan file took these; the contact form holds to the same rules.
    for (const [name, email, words] of [
      ['Priya Shah', 'priya.shah\u200b@example.org', 'The email address must be written in plain ASCII'],
      ['Priya Shah', '\uff50riya.shah@example.org', 'The email address must be written in plain ASCII'],
      ['Priya Shah', 'priya.shah@ex\u0430mple.org', 'The email address must be written in plain ASCII'],
      [
        'Evil\u202eGnp',
        'evil@example.org',
        'The contact’s name must not hold invisible or control characters',
      ],
    ]) {
      const form = await page('/coordinate/plan/contact/new');
      const refused = await post('/coordinate/plan/contact/new', {
        agency: 'kent-cc',
        name,
        email,
        role: 'lead',
        version: versionIn(form),
      });
      expect([email, refused.status]).toEqual([email, 422]);
      expect(await refused.text()).toContain(words);
    }
    expect(await eventsSince(plan, partnership)).toEqual([]);
  });

  it('keeps a measure some cycle has asked for, saying why', async () => {
    await product.store.appendMany(
      [
        {
          streamId: 'return:sevenoaks-lsp~asked.S5',
          expectedVersion: 'no_stream',
          events: [
            {
              type: 'ReturnRequested',
              data: {
                returnId: 'sevenoaks-lsp~asked.S5',
                cycleId: 'sevenoaks-lsp~asked',
                partnershipId: 'sevenoaks-lsp',
                planId: 'community-plan-2019-22',
                measureRef: 'S5',
                themeId: 'safe-communities',
                agencyId: 'sevenoaks-dc',
                dueDate: '2020-05-01',
              },
            },
          ],
        },
      ],
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'asked' },
    );
    expect(await page('/coordinate/plan')).not.toContain('href="/coordinate/plan/measure/S5/remove"');
    // The remove page says why up front, and asks nothing.
    const why = await page('/coordinate/plan/measure/S5/remove');
    expect(why).toContain('You cannot remove key success measure S5');
    expect(why).toContain('S5 stays in the plan: it has been asked for in a cycle');
    expect(why).not.toContain('Yes, remove it');
    // A save sent anyway is refused with the same words.
    const html = await page('/coordinate/plan/measure/S5/change');
    const res = await post('/coordinate/plan/measure/S5/remove', { version: versionIn(html) });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('S5 stays in the plan: it has been asked for in a cycle');
    // A measure no cycle asked for is asked about.
    expect(await page('/coordinate/plan/measure/S4/remove')).toContain('Yes, remove it');
  });

  it('answers 404 for a part the plan does not have', async () => {
    await page('/coordinate/plan/measure/Z99/change', 404);
    await page('/coordinate/plan/widget/new', 404);
  });

  it('adds, changes and removes a measure’s indicator by the import’s rules, in plain words and kept on a stale form', async () => {
    const offences = {
      name: 'Offences',
      unit: 'count',
      baseline: '110',
      target: '100',
      direction: 'lower-is-better',
      amberKind: 'variance',
      amber: '5',
      redKind: 'value',
      red: '120',
    };
    expect(await page('/coordinate/plan')).toContain('href="/coordinate/plan/indicator/new?measure=S2"');
    expect(await page('/coordinate/plan/indicator/new?measure=S2')).toMatch(/<option value="S2" selected>/);
    const added = await save('/coordinate/plan/indicator/new', { measure: 'S2', ...offences });
    const declared = {
      name: 'Offences',
      unit: 'count',
      baseline: 110,
      target: 100,
      direction: 'lower-is-better',
      amber: { variance: 5 },
      red: { value: 120 },
    };
    expect(added.events).toEqual([
      { type: 'MeasureChanged', data: { ref: 'S2', changes: { indicators: [declared] } } },
    ]);
    expect(decodeURIComponent(added.location)).toContain('Indicator added');
    expect(await page('/coordinate/plan')).toContain(
      'Offences (count): target 100, baseline 110, lower is better; amber above 105 (5% from target), red above 120',
    );

    const at = `/coordinate/plan/indicator/${encodeURIComponent('S2~Offences')}`;
    const form = await page(`${at}/change`);
    expect(form).toContain('<title>Change indicator Offences of S2');
    expect(form).toMatch(/name="amberKind" type="radio" value="variance" checked/);
    const changed = await save(`${at}/change`, { ...offences, target: '90', baseline: '' });
    expect(changed.events).toEqual([
      {
        type: 'MeasureChanged',
        data: {
          ref: 'S2',
          changes: { indicators: [{ ...declared, target: 90, baseline: null }] },
        },
      },
    ]);

    // Red no further from the target than amber breaks the plan file's rule: named against its field.
    const [plan, partnership] = await lengths();
    const badForm = await page(`${at}/change`);
    const bad = await post(`${at}/change`, { ...offences, red: '80', version: versionIn(badForm) });
    expect(bad.status).toBe(422);
    const badPage = await bad.text();
    expect(badPage).toContain('<title>Error: Change indicator Offences of S2');
    const words = 'Red must start above where amber starts, as lower is better';
    expect(badPage).toContain(`<a href="#red">${words}</a>`);
    expect(badPage).toMatch(new RegExp(`id="red-error"[^]*?Error:</span> ${words}`));
    const notNumber = await post(`${at}/change`, { ...offences, target: 'ten', version: versionIn(badForm) });
    expect(await notNumber.text()).toContain('Enter the target as a number, like 85 or 12.5');
    expect(await eventsSince(plan, partnership)).toEqual([]);

    // A form opened before someone else's save is refused with what was typed kept.
    const stale = versionIn(await page(`${at}/change`));
    await save('/coordinate/plan/measure/S4/change', {
      theme: 'safe-communities',
      text: 'Someone else’s words again',
      leadAgency: 'sevenoaks-csp',
      priority: '',
    });
    const [plan2, partnership2] = await lengths();
    const conflict = await post(`${at}/change`, { ...offences, unit: 'crimes typed', version: stale });
    expect(conflict.status).toBe(409);
    const conflictPage = await conflict.text();
    expect(conflictPage).toContain('Someone changed the plan since you opened this page');
    expect(conflictPage).toContain('value="crimes typed"');
    expect(await eventsSince(plan2, partnership2)).toEqual([]);

    expect(await page(`${at}/remove`)).toContain('Yes, remove it');
    const removed = await save(`${at}/remove`, {});
    expect(removed.events).toEqual([
      { type: 'MeasureChanged', data: { ref: 'S2', changes: { indicators: [] } } },
    ]);
    await page(`${at}/change`, 404);
  });
});
