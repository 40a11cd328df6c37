import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { zonedInstant } from '../libs/chasing/src/index.js';
import { dayInWords } from '../libs/kernel/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { postPageForm } from './support/page-form.js';
import { openCycle } from './support/reporting.js';
import { FileClock, setSharedClock } from './support/shared-clock.js';
import { untilQuiet } from './support/processors.js';

/**
 * The coordinator's dashboard on the Sevenoaks cycle (27 returns from the 6 of its 9 agencies that lead a measure, 6 themes): the totals, progress
 * by theme and by agency with overdue first, dates in words, the agency pages one click away, the chase
 * schedule and log as pages, and the GOV.UK date inputs that keep what was typed and ask before a past date.
 */
describe('the coordinator dashboard (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  /** The coordinator's session cookie, signed in for real. */
  let session: string;
  const cyclePath = () => `/coordinate/cycles/${encodeURIComponent(cycleId)}`;

  /** A page as the coordinator's browser gets it (a bearer token stands for the signed-in coordinator). */
  async function page(path: string) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      headers: { ...as.coordinator, accept: 'text/html' },
    });
    return { status: response.status, html: await response.text() };
  }

  /**
   * A page's form posted as the coordinator's browser posts it: signed in with the session cookie, the CSRF
   * cookie and token a page gave, from the service's own origin; the redirect is not followed.
   */
  const post = (path: string, form: Record<string, string>) =>
    postPageForm(product.baseUrl, {
      from: '/coordinate',
      to: path,
      headers: { cookie: session },
      fields: form,
    });

  /** A write to a return through the API, with If-Match from a fresh read. */
  async function write(
    ref: string,
    action: string,
    who: Record<string, string>,
    method = 'POST',
    body?: unknown,
  ) {
    const id = `${cycleId}.${ref}`;
    const read = await call('GET', `/returns/${encodeURIComponent(id)}`, who);
    const done = await call(
      method,
      `/returns/${encodeURIComponent(id)}/${action}`,
      {
        ...who,
        'if-match': read.headers.get('etag')!,
      },
      body,
    );
    expect([ref, action, done.status]).toEqual([ref, action, 200]);
  }

  const totals = (html: string) =>
    Object.fromEntries(
      [
        ...html.matchAll(
          /<span class="app-totals__n">(\d+)<\/span> <span class="app-totals__words">([^<]+)<\/span>/g,
        ),
      ].map((m) => [m[2], Number(m[1])]),
    );
  /** The rows of the chart captioned `caption`: each row's name and its overdue count (0 when none). */
  const chartRows = (html: string, caption: string) => {
    const table = html.split(`${caption}</caption>`)[1].split('</table>')[0];
    return [
      ...table.matchAll(/<th scope="row"[^>]*>\s*(?:<a[^>]*>)?([^<]+?)(?:<\/a>)?\s*<\/th>[\s\S]*?<\/tr>/g),
    ].map((m) => ({
      name: m[1].replace(/&#39;/g, "'"),
      overdue: Number(/(\d+) overdue/.exec(m[0])?.[1] ?? 0),
    }));
  };
  const inputValue = (html: string, name: string) =>
    new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`)
      .exec(html)
      ?.slice(1)
      .find((v) => v !== undefined);

  beforeAll(async () => {
    product = await startProduct('coordinator_dashboard');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    session = signIn.headers.get('set-cookie')!.split(';')[0];
    // Due a few weeks ago: every return still outstanding is overdue.
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2026-11-20',
      cycleId: 'y1-dash',
    });
    expect(drafted.status).toBe(201);
    cycleId = drafted.body.id;
    expect((await call('POST', `/cycles/y1-dash/open`, as.coordinator, {})).status).toBe(200);
    // One return in progress, one submitted, one approved (all Sevenoaks CSP's).
    await write('S1', 'draft', as.lead('sevenoaks-csp'), 'PUT', { rag: 'amber' });
    await write('S2', 'submit', as.lead('sevenoaks-csp'), 'POST', {
      rag: 'green',
      narrative: 'Done',
      dot: 'improving',
    });
    await write('S3', 'submit', as.lead('sevenoaks-csp'), 'POST', {
      rag: 'green',
      narrative: 'Done',
      dot: 'improving',
    });
    await write('S3', 'approve', as.coordinator);
  }, 90_000);
  afterAll(() => product?.stop());

  it('shows the cycle at a glance: totals, 6 themes and the 6 agencies asked for returns, dates in words', async () => {
    const { status, html } = await page(cyclePath());
    expect(status).toBe(200);
    const t = totals(html);
    expect(t).toMatchObject({
      'Returns asked for': 27,
      'In progress': 1,
      Submitted: 1,
      Approved: 1,
      'Sent back': 0,
      'Not started': 24,
    });
    expect(t.Overdue).toBe(25);
    expect(chartRows(html, 'Progress by theme')).toHaveLength(6);
    expect(chartRows(html, 'Progress by agency, overdue first')).toHaveLength(6);
    // One SVG bar per theme and per agency, each with its sentence for screen readers.
    expect(html.match(/<svg class="app-chart__bar"/g)).toHaveLength(12);
    expect(html).toMatch(/Sevenoaks District Council: 15 returns asked for, 15 not started; 15 overdue\./);
    expect(html).toContain('due <span class="app-nowrap">20 November 2026</span>');
    expect(html).not.toMatch(/\b2026-11-20\b/);
    // The list of cycles says the due date in words too.
    expect((await page('/coordinate')).html).toContain('<span class="app-nowrap">20 November 2026</span>');
    for (const link of ['/chase-schedule', '/chases', '/agencies/sevenoaks-dc'])
      expect(html).toContain(`href="${cyclePath()}${link}"`);
  });

  it('puts the agencies needing attention first: most overdue, then the least done', async () => {
    const rows = chartRows((await page(cyclePath())).html, 'Progress by agency, overdue first');
    expect(rows[0]).toEqual({ name: 'Sevenoaks District Council', overdue: 15 });
    const overdue = rows.map((r) => r.overdue);
    expect(overdue).toEqual([...overdue].sort((a, b) => b - a));
  });

  it("shows an agency's returns one click away, overdue first, with status tags and dates in words", async () => {
    const { status, html } = await page(`${cyclePath()}/agencies/sevenoaks-csp`);
    expect(status).toBe(200);
    const tags = [...html.matchAll(/<strong class="govuk-tag (govuk-tag--[a-z-]+)">([^<]+)<\/strong>/g)].map(
      (m) => m[2],
    );
    expect(tags).toContain('In progress');
    expect(tags).toContain('Submitted');
    expect(tags).toContain('Approved');
    // Overdue ones first: the first row of the table is overdue, the approved one is not.
    const rows = html.split('<tbody class="govuk-table__body">')[1].split('</tbody>')[0].split('</tr>');
    expect(rows[0]).toContain('Overdue');
    expect(html).toContain('<span class="app-nowrap">20 November 2026</span>');
    expect((await page(`${cyclePath()}/agencies/nobody`)).status).toBe(404);
  });

  it('shows the chase schedule and the chase log as pages, while the JSON API stays', async () => {
    const schedule = await page(`${cyclePath()}/chase-schedule`);
    expect(schedule.status).toBe(200);
    expect(schedule.html).toContain('<h1 class="govuk-heading-l">Chase schedule</h1>');
    expect(schedule.html).toContain('20 November 2026');
    expect(schedule.html).toContain('Sevenoaks District Council');
    const chased = await post(`${cyclePath()}/chase`, { agencyId: 'kent-cc' });
    expect(chased.status).toBe(303);
    expect(chased.location).toMatch(
      new RegExp(
        `^${cyclePath()}/agencies/kent-cc\\?done=${encodeURIComponent('Chase sent to the agency')}&sig=[\\w-]{22}$`,
      ),
    );
    const log = await page(`${cyclePath()}/chases`);
    expect(log.status).toBe(200);
    expect(log.html).toContain('<h1 class="govuk-heading-l">Chase log</h1>');
    expect(log.html).toContain('Kent County Council');
    expect(log.html).toContain('A coordinator (chase now)');
    const json = await call('GET', `/cycles/${encodeURIComponent(cycleId)}/chase-schedule`, as.coordinator);
    expect([json.status, json.headers.get('content-type')]).toEqual([
      200,
      expect.stringContaining('application/json'),
    ]);
    expect((await call('GET', `/cycles/${encodeURIComponent(cycleId)}/chases`, as.coordinator)).status).toBe(
      200,
    );
  });

  it('keeps everything typed when the new due date is not a real date, with the GOV.UK error pattern', async () => {
    const typed = {
      agencyId: 'sevenoaks-dc',
      'dueDate-day': '31',
      'dueDate-month': '4',
      'dueDate-year': '2027',
      reason: 'Waiting for the police figures',
    };
    const bad = await post(`${cyclePath()}/extend-agency`, typed);
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<title>Error: /);
    expect(bad.html).toContain('govuk-error-summary');
    expect(bad.html).toContain('href="#dueDate-day">New due date must be a real date</a>');
    expect(bad.html).toContain(
      '<span class="govuk-visually-hidden">Error:</span> New due date must be a real date',
    );
    expect([
      inputValue(bad.html, 'dueDate-day'),
      inputValue(bad.html, 'dueDate-month'),
      inputValue(bad.html, 'dueDate-year'),
      inputValue(bad.html, 'reason'),
    ]).toEqual(['31', '4', '2027', 'Waiting for the police figures']);
    const noMonth = await post(`${cyclePath()}/extend-agency`, { ...typed, 'dueDate-month': '' });
    expect(noMonth.status).toBe(400);
    expect(noMonth.html).toContain('New due date must include a month');
    expect(inputValue(noMonth.html, 'reason')).toBe('Waiting for the police figures');
    // A good date goes through, and says so in words.
    const good = await post(`${cyclePath()}/extend-agency`, { ...typed, 'dueDate-day': '30' });
    expect(good.status).toBe(303);
    expect(decodeURIComponent(good.location!)).toContain('Deadline extended to 30 April 2027');
    const rows = chartRows((await page(cyclePath())).html, 'Progress by agency, overdue first');
    expect(rows.find((r) => r.name === 'Sevenoaks District Council')).toEqual({
      name: 'Sevenoaks District Council',
      overdue: 0,
    });
  });

  /**
   * A reason the rules refuse (none, too long) on the agency page's forms: it was said only in the
   * page's error summary, linking to the top of the page, and what was typed was lost. Now beside its box, red,
   * with what was typed, the summary linking to the box (the GOV.UK error pattern, as every other form).
   */
  /** A refused reason said in the summary, linking to its box, and just before the box, marked red. */
  const refusedBeside = (html: string, box: string, text: string) => {
    expect(html).toMatch(/<title>Error: /);
    expect(html).toContain(`href="#${box}">${text}</a>`);
    // The message just before the box, the box marked red and described by it.
    expect(html).toMatch(
      new RegExp(
        `<p id="${box}-error" class="govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span> ${text}\\s*</p>\\s*<input\\s+class="govuk-input govuk-input--error" id="${box}"[^>]*aria-describedby="${box}-error"`,
      ),
    );
  };

  it("says a refused reason beside its box on an agency's reissue and extension forms, keeping what was typed", async () => {
    // What a refused form must not have written (the processors write other events meanwhile).
    const lastEvent = async () =>
      (
        await product.db.dataSource.query(
          `SELECT max(global_position)::text AS n FROM events
            WHERE type IN ('SubmissionLinkRevoked', 'SubmissionLinkIssued', 'DeadlineExtended')`,
        )
      )[0].n;
    const before = await lastEvent();
    const agencyPage = `${cyclePath()}/agencies/kent-cc`;
    const tooLong = 'x'.repeat(2001);
    for (const [typed, text] of [
      ['   ', 'A reason is required to send a new link'],
      [tooLong, 'The reason must be 2000 characters or fewer'],
    ]) {
      const refused = await postPageForm(product.baseUrl, {
        from: agencyPage,
        to: `${cyclePath()}/reissue-links`,
        headers: { cookie: session },
        fields: { agencyId: 'kent-cc', reason: typed },
      });
      expect([text, refused.status]).toEqual([text, 422]);
      refusedBeside(refused.html, 'reason-reissue', text);
      // The form is open, with what was typed in its box.
      expect(refused.html).toMatch(/<details class="govuk-details" open>/);
      expect(/id="reason-reissue" name="reason" type="text" value="([^"]*)"/.exec(refused.html)?.[1]).toBe(
        typed,
      );
    }
    const extend = await postPageForm(product.baseUrl, {
      from: agencyPage,
      to: `${cyclePath()}/extend-agency`,
      headers: { cookie: session },
      fields: {
        agencyId: 'kent-cc',
        'dueDate-day': '30',
        'dueDate-month': '4',
        'dueDate-year': '2027',
        reason: tooLong,
      },
    });
    expect(extend.status).toBe(422);
    refusedBeside(extend.html, 'reason-extend', 'The reason must be 2000 characters or fewer');
    expect([inputValue(extend.html, 'dueDate-day'), inputValue(extend.html, 'dueDate-year')]).toEqual([
      '30',
      '2027',
    ]);
    expect(await lastEvent()).toBe(before);
    // A reason the rules take still sends the new link and comes back to the agency's page.
    const sent = await postPageForm(product.baseUrl, {
      from: agencyPage,
      to: `${cyclePath()}/reissue-links`,
      headers: { cookie: session },
      fields: { agencyId: 'kent-cc', reason: 'Lost the email' },
    });
    expect([sent.status, decodeURIComponent(sent.location!)]).toEqual([
      303,
      expect.stringContaining(`${agencyPage}?done=New link sent`),
    ]);
  });

  it("revokes one link from the agency's page, a refused reason beside its box, and never without the page's token", async () => {
    const agencyPage = `${cyclePath()}/agencies/sevenoaks-csp`;
    const revoked = async () =>
      (
        await product.db.dataSource.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'SubmissionLinkRevoked'`,
        )
      )[0].n as number;
    const before = await revoked();
    const { html } = await page(agencyPage);
    // A form for each live link, beside the reissue and extension forms, posting to the cycle's actions.
    const linkIds = [...html.matchAll(/<input type="hidden" name="linkId" value="([^"]+)">/g)].map(
      (m) => m[1],
    );
    expect(linkIds.length).toBeGreaterThan(0);
    const linkId = linkIds[0];
    expect(html).toContain(`action="${cyclePath()}/revoke-link"`);
    expect(html).toMatch(
      new RegExp(`<label class="govuk-label" for="reason-revoke-${linkId}">\\s*Why revoke this link\\?`),
    );
    const box = `reason-revoke-${linkId}`;
    for (const [typed, text] of [
      ['   ', 'A reason is required to revoke a link'],
      ['x'.repeat(2001), 'The reason must be 2000 characters or fewer'],
    ]) {
      const refused = await postPageForm(product.baseUrl, {
        from: agencyPage,
        to: `${cyclePath()}/revoke-link`,
        headers: { cookie: session },
        fields: { agencyId: 'sevenoaks-csp', linkId, reason: typed },
      });
      expect([text, refused.status]).toEqual([text, 422]);
      refusedBeside(refused.html, box, text);
      // Its form open, with what was typed in its box; the other links' forms closed.
      expect(refused.html).toMatch(
        new RegExp(`<details class="govuk-details" open>[\\s\\S]{0,900}?name="linkId" value="${linkId}"`),
      );
      expect(
        new RegExp(`id="${box}" name="reason" type="text" value="([^"]*)"`).exec(refused.html)?.[1],
      ).toBe(typed);
    }
    // Without the page's CSRF token a post is refused, as every form's is.
    const forged = await fetch(`${product.baseUrl}${cyclePath()}/revoke-link`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: session,
        origin: product.baseUrl,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ agencyId: 'sevenoaks-csp', linkId, reason: 'Wrong person' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(await revoked()).toBe(before);
    // A reason the rules take revokes it and comes back to the agency's page, where it is revoked, its form gone.
    const done = await postPageForm(product.baseUrl, {
      from: agencyPage,
      to: `${cyclePath()}/revoke-link`,
      headers: { cookie: session },
      fields: { agencyId: 'sevenoaks-csp', linkId, reason: 'Sent to the wrong person' },
    });
    expect([done.status, decodeURIComponent(done.location!)]).toEqual([
      303,
      expect.stringContaining(`${agencyPage}?done=The link is revoked`),
    ]);
    expect(await revoked()).toBe(before + 1);
    const after = (await page(agencyPage)).html;
    expect(after).not.toContain(`name="linkId" value="${linkId}"`);
    expect(after).toMatch(/: revoked, used 0 times<\/li>/);
  });

  it('asks before accepting a due date in the past, then accepts it once confirmed', async () => {
    const form = {
      agencyId: 'sevenoaks-hat',
      'dueDate-day': '25',
      'dueDate-month': '11',
      'dueDate-year': '2026',
      reason: 'Agreed at the board',
    };
    const asked = await post(`${cyclePath()}/extend-agency`, form);
    expect(asked.status).toBe(400);
    expect(asked.html).toContain('New due date is in the past: check it, or confirm that is what you mean');
    expect(asked.html).toContain('Yes, the due date is in the past');
    expect(inputValue(asked.html, 'dueDate-day')).toBe('25');
    const confirmed = await post(`${cyclePath()}/extend-agency`, { ...form, confirmPast: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(decodeURIComponent(confirmed.location!)).toContain('Deadline extended to 25 November 2026');
  });

  it("extends one return's deadline from its page with the GOV.UK date input, keeping a bad date as typed", async () => {
    const returnPath = `/coordinate/returns/${encodeURIComponent(`${cycleId}.S1`)}`;
    const shown = await page(returnPath);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('name="dueDate-day"');
    expect(shown.html).not.toContain('YYYY-MM-DD');
    const version = /name="version" value="([^"]*)"/.exec(shown.html)![1];
    const typed = {
      version,
      'dueDate-day': '31',
      'dueDate-month': '4',
      'dueDate-year': '2027',
      reason: 'Waiting for the police figures',
    };
    const bad = await post(`${returnPath}/extend`, typed);
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<title>Error: S1 in /);
    expect(bad.html).toContain('href="#dueDate-day">New due date must be a real date</a>');
    expect(bad.html).toContain(
      '<span class="govuk-visually-hidden">Error:</span> New due date must be a real date',
    );
    expect([
      inputValue(bad.html, 'dueDate-day'),
      inputValue(bad.html, 'dueDate-month'),
      inputValue(bad.html, 'dueDate-year'),
      inputValue(bad.html, 'reason'),
    ]).toEqual(['31', '4', '2027', 'Waiting for the police figures']);
    const noYear = await post(`${returnPath}/extend`, { ...typed, 'dueDate-year': '' });
    expect(noYear.status).toBe(400);
    expect(noYear.html).toContain('href="#dueDate-year">New due date must include a year</a>');
    // A date in the past is asked about first, keeping what was typed; confirmed, it goes through.
    const past = { ...typed, 'dueDate-day': '25', 'dueDate-month': '11', 'dueDate-year': '2026' };
    const asked = await post(`${returnPath}/extend`, past);
    expect(asked.status).toBe(400);
    expect(asked.html).toMatch(/<title>Error: /);
    expect(asked.html).toContain('New due date is in the past: check it, or confirm that is what you mean');
    expect(asked.html).toContain('Yes, the due date is in the past');
    expect([inputValue(asked.html, 'dueDate-day'), inputValue(asked.html, 'reason')]).toEqual([
      '25',
      'Waiting for the police figures',
    ]);
    const confirmed = await post(`${returnPath}/extend`, { ...past, confirmPast: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(decodeURIComponent(confirmed.location!)).toContain('Deadline extended to 25 November 2026');
    // A good date goes through, says so in words, and the page shows it.
    const again = /name="version" value="([^"]*)"/.exec((await page(returnPath)).html)![1];
    const good = await post(`${returnPath}/extend`, { ...typed, version: again, 'dueDate-day': '30' });
    expect(good.status).toBe(303);
    expect(decodeURIComponent(good.location!)).toContain('Deadline extended to 30 April 2027');
    expect((await page(returnPath)).html).toContain('due 30 April 2027');
    const read = await call('GET', `/returns/${encodeURIComponent(`${cycleId}.S1`)}`, as.coordinator);
    expect(read.body.dueDate).toBe('2027-04-30');
  });

  it('opens a cycle from GOV.UK date inputs: errors keep what was typed, a past due date is confirmed first', async () => {
    const form = {
      label: 'Year 2 2020/21',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2020',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2021',
      'dueDate-day': '30',
      'dueDate-month': '',
      'dueDate-year': '2021',
    };
    const bad = await post('/coordinate/cycles/new', form);
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<title>Error: Open a monitoring cycle/);
    expect(bad.html).toContain('href="#dueDate-month">Due date must include a month</a>');
    expect([
      inputValue(bad.html, 'label'),
      inputValue(bad.html, 'periodEnd-day'),
      inputValue(bad.html, 'dueDate-day'),
    ]).toEqual(['Year 2 2020/21', '31', '30']);
    const past = await post('/coordinate/cycles/new', { ...form, 'dueDate-month': '4' });
    expect(past.status).toBe(400);
    expect(past.html).toContain('Due date is in the past');
    expect(past.html).toContain('Yes, the due date is in the past');
    const opened = await post('/coordinate/cycles/new', {
      ...form,
      'dueDate-month': '4',
      confirmPast: 'yes',
    });
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(/^\/coordinate\/cycles\/sevenoaks-lsp~[^?]+\?done=Cycle%20opened/);
    const dashboard = await page(opened.location!.split('?')[0]);
    expect(dashboard.html).toContain('due <span class="app-nowrap">30 April 2021</span>');
  });

  it('asks for one or two stages of sign-off when opening a cycle, one stage unless chosen', async () => {
    const form = {
      label: 'Year 3 2021/22',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2021',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2022',
      'dueDate-day': '30',
      'dueDate-month': '4',
      'dueDate-year': '2032',
    };
    const empty = await page('/coordinate/cycles/new');
    expect(empty.html).toMatch(/<input[^>]*id="signOff"[^>]*value="one-stage"[^>]*checked/);
    const odd = await post('/coordinate/cycles/new', { ...form, signOff: 'three-stage' });
    expect(odd.status).toBe(400);
    expect(odd.html).toMatch(/<title>Error: Open a monitoring cycle/);
    expect(odd.html).toContain('href="#signOff">Choose the sign-off: one-stage or two-stage</a>');
    const opened = await post('/coordinate/cycles/new', { ...form, signOff: 'two-stage' });
    expect(opened.status).toBe(303);
    const cycleId = decodeURIComponent(opened.location!.split('?')[0].split('/').pop()!);
    expect((await call('GET', `/cycles/${encodeURIComponent(cycleId)}`, as.coordinator)).body.signOff).toBe(
      'two-stage',
    );
  });
});

/**
 * Since a coordinator hears of a step's escalations in one mail for every agency escalated at it (not a mail per
 * agency), an agency's page counted its chase mails without that one: an agency escalated to the coordinator read
 * as if the coordinator had never been told. Each agency's count includes the coordinator's mail that named it,
 * and the page says when the coordinator was told.
 */
describe("the coordinator dashboard's chase mails of an agency escalated to the coordinator (e2e)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-clock-'));
  const clockFile = join(dir, 'clock');
  const at10 = (date: string) => zonedInstant(date, '10:00', 'Europe/London');
  setSharedClock(clockFile, at10('2020-03-02'));
  const plan = sevenoaksPlan();
  const MEASURES = ['S1', 'G1'];
  const agencies = [
    ...new Set(
      plan.themes.flatMap((t) => t.measures.filter((m) => MEASURES.includes(m.ref)).map((m) => m.leadAgency)),
    ),
  ];
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  let escalation: string;

  beforeAll(async () => {
    product = await startProduct('dashboard_escalated', new FileClock(clockFile), {
      MAIL_RATE_PER_MINUTE: '60000',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'esc-dash',
        label: 'Cycle esc-dash',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2020-04-21',
      },
      MEASURES,
    );
    const schedule = await call(
      'GET',
      `/cycles/${encodeURIComponent(cycleId)}/chase-schedule`,
      as.coordinator,
    );
    escalation = (schedule.body.steps as { date: string; kind: string }[]).find(
      (s) => s.kind === 'escalation',
    )!.date;
  }, 90_000);
  afterAll(async () => {
    await product?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts, on each agency's page, the coordinator's escalation mail that named it, and says when it went", async () => {
    expect(agencies.length).toBeGreaterThan(1);
    setSharedClock(clockFile, at10(escalation));
    // The scan reads the return-status read model, which its processor fills after the cycle opened.
    await eventually(async () => {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM return_status WHERE cycle_id = $1`,
        [cycleId],
      );
      return n === MEASURES.length;
    }, 30_000);
    await product.worker.get(ChaseScanner).run();
    await eventually(
      async () =>
        product.smtp.mails.some(
          (m) => m.to.includes(STAFF.coordinator) && /Cycle esc-dash are still overdue/.test(m.subject),
        ),
      30_000,
    );
    await untilQuiet(product);
    const log = await call('GET', `/cycles/${encodeURIComponent(cycleId)}/chases`, as.coordinator);
    const chases = log.body.chases as {
      agencyId: string;
      recipients: { email: string; role: string; state: string }[];
    }[];
    for (const agencyId of agencies) {
      const sent = chases
        .filter((c) => c.agencyId === agencyId)
        .flatMap((c) => c.recipients)
        .filter((r) => r.state === 'sent');
      // The lead's overdue mail, the senior contact's escalation, and the coordinator's mail naming the agency.
      expect(sent.filter((r) => r.role === 'coordinator')).toHaveLength(1);
      const response = await fetch(
        `${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/agencies/${agencyId}`,
        { headers: { ...as.coordinator, accept: 'text/html' } },
      );
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`Chase mails sent: ${sent.length}`);
      expect(html).toContain(
        `Escalated to the coordinator on <span class="app-nowrap">${dayInWords(escalation)}</span>.`,
      );
    }
  }, 60_000);
});
