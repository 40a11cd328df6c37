import { postPageForm } from './support/page-form.js';
import { openCycle, submitAndApprove } from './support/reporting.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from './support/product.js';

/**
 * A rule's refusal of a coordinator's form (a reason missing or too long, a new due date not after the one set,
 * an agency not taking part, a report heading too long, a cycle closed with returns outstanding) on the page the
 * form is on: the rule's status, "Error:" in the title, the error summary linking to the box, the rule beside
 * the box (GOV.UK error pattern), and what was typed still in the boxes; nothing written. These forms redirected
 * to a fresh page with the rule in its summary, and what was typed was lost.
 */
describe("a rule's refusal on the coordinator's pages keeps what was typed (e2e)", () => {
  jest.setTimeout(120_000);
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  /** The coordinator's session cookie, signed in for real. */
  let session: string;
  const cyclePath = () => `/coordinate/cycles/${encodeURIComponent(cycleId)}`;
  const returnPath = (ref: string) => `/coordinate/returns/${encodeURIComponent(`${cycleId}.${ref}`)}`;
  const tooLong = 'x'.repeat(2001);

  /** The form of the page `from` posted to `to` as the coordinator's browser posts it, with the page's version. */
  const post = (from: string, to: string, fields: Record<string, string>) =>
    postPageForm(product.baseUrl, {
      from,
      to,
      headers: { cookie: session },
      fields: (html) => {
        const version = /name="version" value="([^"]*)"/.exec(html)?.[1];
        return version ? { version, ...fields } : fields;
      },
    });

  /** What a box shows, by its id. */
  const boxValue = (html: string, id: string) => {
    const box = new RegExp(`<input[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0] ?? '';
    return /\svalue="([^"]*)"/.exec(box)?.[1] ?? '';
  };

  /** The page says `text` in its error summary, linking to `href`, with "Error:" in its title. */
  const inSummary = (html: string, href: string, text: string) => {
    expect(html).toMatch(/<title>Error: /);
    expect(html).toMatch(/<div class="govuk-error-summary" data-module="govuk-error-summary">/);
    expect(html).toContain(`href="${href}">${text}</a>`);
  };

  /** The rule said beside the box `id`, red and described by the message, its form group marked. */
  const besideBox = (html: string, id: string, text: string) => {
    expect(html).toMatch(
      new RegExp(
        `<div class="govuk-form-group govuk-form-group--error">[\\s\\S]{0,800}?<p id="${id}-error" class="govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span> ${text}\\s*</p>`,
      ),
    );
    // The box (or the date's fieldset) described by the message, for a screen reader.
    expect(html).toMatch(new RegExp(`aria-describedby="(?:[^"]* )?${id}-error"`));
  };

  /**
   * The form of the page `from` posted to `to`, `meanwhile` done between opening the page and posting it (the
   * link revoked, the cycle closed in another tab), so the page that comes back has no box for what was typed.
   */
  const postAfter = (
    from: string,
    to: string,
    meanwhile: () => Promise<unknown>,
    fields: Record<string, string>,
  ) =>
    postPageForm(product.baseUrl, {
      from,
      to,
      headers: { cookie: session },
      fields: async () => {
        await meanwhile();
        return fields;
      },
    });

  /** The reason as typed, shown to copy, the error summary's link going to it. */
  const toCopy = (html: string, reason: string) => {
    expect(html).toMatch(/<title>Error: /);
    expect(html).toContain('href="#typed-reason">');
    expect(html).toContain(
      `The reason you wrote was not recorded. Copy it if you still need it:</p><div id="typed-reason" tabindex="-1"><p class="govuk-body">${reason}</p></div>`,
    );
  };

  /** An extension's new due date as typed and its reason, as shown to copy together. */
  const dateAndReason = (dueDate: string, reason: string) =>
    'The new due date and reason you wrote were not recorded. Copy them if you still need them:</p>' +
    `<div id="typed-reason" tabindex="-1"><p class="govuk-body">New due date: ${dueDate}</p><p class="govuk-body">${reason}</p></div>`;

  /** The extension's new due date and reason shown to copy, the error summary's link going to them. */
  const toCopyWithDate = (html: string, dueDate: string, reason: string) => {
    expect(html).toMatch(/<title>Error: /);
    expect(html).toContain('href="#typed-reason">');
    expect(html).toContain(dateAndReason(dueDate, reason));
  };

  /** A "due date is in the past" box on the page, ticked. */
  const pastTicked = (html: string) =>
    expect(html).toMatch(
      /<input class="govuk-checkboxes__input" id="confirmPast" name="confirmPast" type="checkbox" value="yes" checked/,
    );

  /** Events of these types written so far: a refused form writes none. */
  const written = async (types: string[]) =>
    (
      await product.db.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE type = ANY($1)`, [types])
    )[0].n as number;

  beforeAll(async () => {
    product = await startProduct('coordinator_refusals');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const signIn = await call('POST', '/auth/sign-in', {}, { email: STAFF.coordinator, password: PASSWORD });
    session = signIn.headers.get('set-cookie')!.split(';')[0];
    cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'refusals',
        label: 'Year 2 2020/21',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'S3'],
    );
    await submitAndApprove(call, `${cycleId}.S2`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative: 'Done',
      dot: 'improving',
    });
  }, 90_000);
  afterAll(() => product?.stop());

  it("keeps a withdrawal's or a reopening's reason the rules refuse in its box, the rule beside it", async () => {
    const before = await written(['ReturnWithdrawn', 'ReturnReopened']);
    const withdraw = await post(returnPath('S1'), `${returnPath('S1')}/withdraw`, { reason: tooLong });
    expect(withdraw.status).toBe(422);
    expect(withdraw.html).toMatch(/<title>Error: S1 in Year 2 2020\/21/);
    inSummary(withdraw.html, '#reason-withdraw', 'The reason must be 2000 characters or fewer');
    besideBox(withdraw.html, 'reason-withdraw', 'The reason must be 2000 characters or fewer');
    expect(boxValue(withdraw.html, 'reason-withdraw')).toBe(tooLong);
    // Its form open to correct and press again; the others' boxes neither marked nor filled in.
    expect(withdraw.html).toMatch(
      /<details class="govuk-details" open>\s*<summary[^>]*>\s*<span[^>]*>\s*Withdraw from the cycle/,
    );
    expect(boxValue(withdraw.html, 'reason-reassign')).toBe('');
    expect(withdraw.html).not.toContain('id="reason-reassign-error"');

    const reopen = await post(returnPath('S2'), `${returnPath('S2')}/reopen`, { reason: `  ${tooLong}` });
    expect(reopen.status).toBe(422);
    besideBox(reopen.html, 'reason-reopen', 'The reason must be 2000 characters or fewer');
    expect(boxValue(reopen.html, 'reason-reopen')).toBe(`  ${tooLong}`);
    expect(await written(['ReturnWithdrawn', 'ReturnReopened'])).toBe(before);
  });

  it('keeps a new due date not after the one set, and its reason, with the rule beside the date', async () => {
    const before = await written(['DeadlineExtended']);
    const typed = {
      'dueDate-day': '31',
      'dueDate-month': '1',
      'dueDate-year': '2029',
      reason: 'Police figures come late',
    };
    const text = 'The new due date must be after 30 April 2030';
    const refused = await post(returnPath('S1'), `${returnPath('S1')}/extend`, typed);
    expect(refused.status).toBe(422);
    inSummary(refused.html, '#dueDate-day', text);
    besideBox(refused.html, 'dueDate', text);
    expect([
      boxValue(refused.html, 'dueDate-day'),
      boxValue(refused.html, 'dueDate-month'),
      boxValue(refused.html, 'dueDate-year'),
      boxValue(refused.html, 'reason-extend'),
    ]).toEqual(['31', '1', '2029', 'Police figures come late']);
    expect(refused.html).toContain(
      'govuk-date-input__input govuk-input--width-2 govuk-input--error" id="dueDate-day"',
    );

    // The agency's deadline on its page in the cycle: the same rule, the same boxes as typed.
    const agencyPage = `${cyclePath()}/agencies/sevenoaks-csp`;
    const agency = await post(agencyPage, `${cyclePath()}/extend-agency`, {
      agencyId: 'sevenoaks-csp',
      ...typed,
    });
    expect(agency.status).toBe(422);
    expect(agency.html).toMatch(/<title>Error: Sevenoaks District Community Safety Partnership in Year 2/);
    inSummary(agency.html, '#dueDate-day', text);
    besideBox(agency.html, 'dueDate', text);
    expect([
      boxValue(agency.html, 'dueDate-day'),
      boxValue(agency.html, 'dueDate-year'),
      boxValue(agency.html, 'reason-extend'),
    ]).toEqual(['31', '2029', 'Police figures come late']);
    expect(await written(['DeadlineExtended'])).toBe(before);
  });

  it('keeps the agency chosen and the reason when a reassignment is refused, the rule beside its box', async () => {
    const before = await written(['ReturnReassigned']);
    const long = await post(returnPath('S1'), `${returnPath('S1')}/reassign`, {
      toAgencyId: 'kent-cc',
      reason: tooLong,
    });
    expect(long.status).toBe(422);
    inSummary(long.html, '#reason-reassign', 'The reason must be 2000 characters or fewer');
    besideBox(long.html, 'reason-reassign', 'The reason must be 2000 characters or fewer');
    expect(boxValue(long.html, 'reason-reassign')).toBe(tooLong);
    expect(long.html).toMatch(/<option value="kent-cc" selected>/);

    // An agency not taking part (a form from before it was retired, or made up): beside the agency's box.
    const unknown = await post(returnPath('S1'), `${returnPath('S1')}/reassign`, {
      toAgencyId: 'no-such-agency',
      reason: 'Moved to the county',
    });
    expect(unknown.status).toBe(422);
    const text = 'The partnership has no agency no-such-agency taking part';
    inSummary(unknown.html, '#toAgencyId', text);
    besideBox(unknown.html, 'toAgencyId', text);
    expect(boxValue(unknown.html, 'reason-reassign')).toBe('Moved to the county');
    expect(await written(['ReturnReassigned'])).toBe(before);
  });

  it("keeps the report's headings as typed when one is refused, the rule beside it in the page's words", async () => {
    const before = await written(['ReportHeadingsSet']);
    const title = 'T'.repeat(201);
    const refused = await post(cyclePath(), `${cyclePath()}/report-headings`, {
      reportTitle: title,
      yearHeading: 'Year 2 (April 2020 - March 2021)',
      introduction: 'Produced on behalf of the partnership.',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/<title>Error: Year 2 2020\/21/);
    const text = 'Report title must be 1 to 200 characters, without spaces at either end';
    inSummary(refused.html, '#reportTitle', text);
    besideBox(refused.html, 'reportTitle', text);
    expect([boxValue(refused.html, 'reportTitle'), boxValue(refused.html, 'yearHeading')]).toEqual([
      title,
      'Year 2 (April 2020 - March 2021)',
    ]);
    expect(refused.html).toMatch(/id="introduction"[^>]*>Produced on behalf of the partnership.<\/textarea>/);
    expect(await written(['ReportHeadingsSet'])).toBe(before);
  });

  it('keeps the reason and the tick of a close refused while returns are outstanding', async () => {
    const before = await written(['CycleClosed']);
    // Not forced: the rule is about the tick, in the summary, linking to it; the reason kept.
    const unforced = await post(cyclePath(), `${cyclePath()}/close`, { reason: 'Board agreed' });
    expect(unforced.status).toBe(409);
    expect(unforced.html).toMatch(/<title>Error: Year 2 2020\/21/);
    expect(unforced.html).toMatch(/href="#force">\d+ return\(s\) are not yet signed off/);
    expect(boxValue(unforced.html, 'reason-close')).toBe('Board agreed');
    // Forced without a reason: the rule beside the reason's box, the tick kept.
    const forced = await post(cyclePath(), `${cyclePath()}/close`, { force: 'yes', reason: '  ' });
    expect(forced.status).toBe(422);
    const text = 'A reason is required to close a cycle with returns unresolved';
    inSummary(forced.html, '#reason-close', text);
    besideBox(forced.html, 'reason-close', text);
    expect(forced.html).toMatch(/name="force" type="checkbox" value="yes" checked/);
    expect(await written(['CycleClosed'])).toBe(before);
  });

  describe('when the box the reason was typed in is gone from the page', () => {
    it("shows the reason to copy on a return's page whose status no longer offers the form", async () => {
      // S1 is not approved: its page has no reopen form (a page from when it was, say).
      const reopen = await post(returnPath('S1'), `${returnPath('S1')}/reopen`, {
        reason: 'Figures were wrong',
      });
      expect(reopen.status).toBe(409);
      expect(reopen.html).not.toContain('id="reason-reopen"');
      toCopy(reopen.html, 'Figures were wrong');
      // S2 is approved: its page has no extension form, the date typed shown with the reason.
      const extend = await post(returnPath('S2'), `${returnPath('S2')}/extend`, {
        'dueDate-day': '14',
        'dueDate-month': '6',
        'dueDate-year': '2030',
        reason: 'Awaiting audit',
      });
      expect(extend.status).toBe(409);
      expect(extend.html).not.toContain('id="reason-extend"');
      toCopyWithDate(extend.html, '14 June 2030', 'Awaiting audit');
      // S3 withdrawn in another tab while its page was open: changed meanwhile, its form gone, the same.
      const s3 = returnPath('S3');
      const outrun = await postPageForm(product.baseUrl, {
        from: s3,
        to: `${s3}/extend`,
        headers: { cookie: session },
        fields: async (html) => {
          const version = /name="version" value="([^"]*)"/.exec(html)![1];
          const withdrawn = await call('POST', `/returns/${cycleId}.S3/withdraw`, as.coordinator, {
            reason: 'Measure dropped',
          });
          expect(withdrawn.status).toBe(200);
          return {
            version,
            'dueDate-day': '1',
            'dueDate-month': 'July',
            'dueDate-year': '2030',
            reason: 'Awaiting audit',
          };
        },
      });
      expect(outrun.status).toBe(409);
      // The error summary links to what changed; under it, the date and reason to copy.
      expect(outrun.html).toContain('href="#changed-meanwhile"');
      expect(outrun.html).toContain(dateAndReason('1 July 2030', 'Awaiting audit'));
    });

    let meanwhileId: string;
    /** Two live links of the agency with two lead contacts (Sevenoaks District Council leads C1). */
    let links: { linkId: string; agencyId: string }[];
    const meanwhilePath = () => `/coordinate/cycles/${encodeURIComponent(meanwhileId)}`;
    const revokeByApi = (linkId: string) => async () => {
      const revoked = await call('POST', `/cycles/${meanwhileId}/links/${linkId}/revoke`, as.coordinator, {
        reason: 'Revoked in another tab',
      });
      expect(revoked.status).toBe(200);
    };

    beforeAll(async () => {
      meanwhileId = await openCycle(
        call,
        as.coordinator,
        {
          cycleId: 'refusals-meanwhile',
          label: 'Year 3 2021/22',
          periodStart: '2021-04-01',
          periodEnd: '2022-03-31',
          dueDate: '2030-04-30',
        },
        ['S1', 'C1'],
      );
      const listed = await call('GET', `/cycles/${meanwhileId}/links`, as.coordinator);
      links = (listed.body.links as { linkId: string; agencyId: string }[]).filter(
        (l) => l.agencyId === 'sevenoaks-dc',
      );
      expect(links).toHaveLength(2);
    });

    it('shows the reason to copy when the link it was to revoke was revoked meanwhile', async () => {
      const linksPage = `${meanwhilePath()}/links`;
      const onLinks = await postAfter(
        linksPage,
        `${linksPage}/${links[0].linkId}/revoke`,
        revokeByApi(links[0].linkId),
        {
          reason: 'Sent to the wrong person',
        },
      );
      expect(onLinks.status).toBe(409);
      expect(onLinks.html).not.toContain(`id="reason-revoke-${links[0].linkId}"`);
      toCopy(onLinks.html, 'Sent to the wrong person');

      // The agency's page in the cycle: the same.
      const agencyPage = `${meanwhilePath()}/agencies/sevenoaks-dc`;
      const onAgency = await postAfter(
        agencyPage,
        `${meanwhilePath()}/revoke-link`,
        revokeByApi(links[1].linkId),
        {
          agencyId: 'sevenoaks-dc',
          linkId: links[1].linkId,
          reason: 'Hannah has left',
        },
      );
      expect(onAgency.status).toBe(409);
      expect(onAgency.html).not.toContain(`id="reason-revoke-${links[1].linkId}"`);
      toCopy(onAgency.html, 'Hannah has left');
    });

    it('shows the reason to copy when the cycle was closed meanwhile, its forms gone', async () => {
      let closed = false;
      const closeByApi = async () => {
        if (closed) return;
        const answer = await call('POST', `/cycles/${meanwhileId}/close`, as.coordinator, {
          force: true,
          reason: 'Closed in another tab',
        });
        expect(answer.status).toBe(200);
        closed = true;
      };
      // The dashboard's close form.
      const close = await postAfter(meanwhilePath(), `${meanwhilePath()}/close`, closeByApi, {
        force: 'yes',
        reason: 'Board agreed on 3 March',
      });
      expect(close.status).toBe(409);
      expect(close.html).not.toContain('id="reason-close"');
      toCopy(close.html, 'Board agreed on 3 March');

      // The links page's "send a new link" (opened while the cycle was open: it is closed now).
      const linksPage = `${meanwhilePath()}/links`;
      const reissue = await post(cyclePath(), `${linksPage}/agencies/sevenoaks-csp/reissue`, {
        reason: 'Priya lost her link',
      });
      expect(reissue.status).toBe(409);
      expect(reissue.html).not.toContain('id="reason-reissue-sevenoaks-csp"');
      toCopy(reissue.html, 'Priya lost her link');

      // The agency's page: its deadline's and its new link's forms.
      const extend = await post(cyclePath(), `${meanwhilePath()}/extend-agency`, {
        agencyId: 'sevenoaks-csp',
        'dueDate-day': '31',
        'dueDate-month': '5',
        'dueDate-year': '2030',
        reason: 'Police figures come late',
      });
      expect(extend.status).toBe(409);
      expect(extend.html).not.toContain('id="reason-extend"');
      toCopyWithDate(extend.html, '31 May 2030', 'Police figures come late');
      const reissueAgency = await post(cyclePath(), `${meanwhilePath()}/reissue-links`, {
        agencyId: 'sevenoaks-csp',
        reason: 'Priya lost her link',
      });
      expect(reissueAgency.status).toBe(409);
      toCopy(reissueAgency.html, 'Priya lost her link');
    });
  });

  it('keeps the "due date is in the past" tick of an extension refused for something else', async () => {
    // Days before today, as the coordinator types it: the form asks to confirm it, and it was confirmed.
    const daysAgo = new Date(Date.now() - 3 * 86_400_000);
    const past = {
      'dueDate-day': String(daysAgo.getUTCDate()),
      'dueDate-month': String(daysAgo.getUTCMonth() + 1),
      'dueDate-year': String(daysAgo.getUTCFullYear()),
      confirmPast: 'yes',
    };
    // The return's form: the reason refused (too long, by the rule), and missing (before the command).
    const long = await post(returnPath('S1'), `${returnPath('S1')}/extend`, { ...past, reason: tooLong });
    expect(long.status).toBe(422);
    pastTicked(long.html);
    const missing = await post(returnPath('S1'), `${returnPath('S1')}/extend`, { ...past, reason: ' ' });
    expect(missing.status).toBe(400);
    pastTicked(missing.html);
    // The agency's deadline: not after the one set (30 April 2030), by the rule.
    const agency = await post(`${cyclePath()}/agencies/sevenoaks-csp`, `${cyclePath()}/extend-agency`, {
      agencyId: 'sevenoaks-csp',
      ...past,
      reason: 'Police figures come late',
    });
    expect(agency.status).toBe(422);
    pastTicked(agency.html);
    // A new cycle refused for its short name.
    const cycle = await post('/coordinate/cycles/new', '/coordinate/cycles/new', {
      label: 'Year 4 2022/23',
      cycleId: 'Not A Short Name',
      'periodStart-day': '1',
      'periodStart-month': '4',
      'periodStart-year': '2022',
      'periodEnd-day': '31',
      'periodEnd-month': '3',
      'periodEnd-year': '2023',
      ...past,
    });
    expect(cycle.status).toBe(400);
    pastTicked(cycle.html);
    // Not ticked, it is asked unticked.
    const { confirmPast: _, ...unconfirmed } = past;
    const asked = await post(returnPath('S1'), `${returnPath('S1')}/extend`, {
      ...unconfirmed,
      reason: 'Late',
    });
    expect(asked.status).toBe(400);
    expect(asked.html).toMatch(/id="confirmPast" name="confirmPast" type="checkbox" value="yes">/);
  });
});
