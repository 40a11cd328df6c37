import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import {
  narrativeText,
  neutraliseFormula,
  ROW_HEADER,
  reportRows,
  tableText,
} from '../libs/reporting/src/index.js';
import { renderNarrative } from '../libs/returns/src/index.js';
import { C3, NEET_TABLE, S1, S2, S3, S4, S5 } from './fixtures/sevenoaks-2019-20-returns.js';
import { as, http, Product, SEVENOAKS_FILE, STAFF, startProduct } from './support/product.js';
import { projectionsSettled } from './support/reporting.js';

/**
 * Fidelity: the three users, through the API only, produce the seed's Safe Communities theme and its C3 NEET
 * table. The coordinator loads the Sevenoaks plan and opens the cycle; agency leads write the 2019/20 returns
 * as the seed prints them (one is sent back and fixed); reviewers approve; the report carries them in the
 * seed's order and structure, as JSON and as HTML.
 */
describe('fidelity to the 2019/20 Sevenoaks report (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  const cycleId = 'y1-2019-20';
  const label = 'Year 1 2019/20 (April 2019 - March 2020)';
  const returns = { S1, S2, S3, S4, S5, C3 } as Record<string, { narrative: string }>;

  beforeAll(async () => {
    product = await startProduct('report_fidelity');
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('takes the plan, the returns and the reviews through the API', async () => {
    // The coordinator loads the plan and opens the cycle.
    const imported = await call('POST', '/plan/import', as.coordinator, {
      yaml: readFileSync(SEVENOAKS_FILE, 'utf8'),
    });
    expect(imported.status).toBe(200);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      cycleId,
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    expect((await call('POST', `/cycles/${cycleId}/open`, as.coordinator, {})).status).toBe(200);

    // Agency leads write their returns: a draft first, then the submission.
    const owners: Record<string, string> = {
      S1: 'sevenoaks-csp',
      S2: 'sevenoaks-csp',
      S3: 'sevenoaks-csp',
      S4: 'sevenoaks-csp',
      S5: 'sevenoaks-dc',
      C3: 'sevenoaks-lcpg',
    };
    for (const [ref, content] of Object.entries(returns)) {
      const lead = as.lead(owners[ref]);
      const draft = await call('PUT', `/returns/${cycleId}.${ref}/draft`, lead, content);
      expect([ref, draft.status]).toEqual([ref, 200]);
      // The content is sent again: an empty body does not submit the saved draft (reported to the returns API).
      const submitted = await call('POST', `/returns/${cycleId}.${ref}/submit`, lead, content);
      expect([ref, submitted.status]).toEqual([ref, 200]);
    }

    // Reviewers approve; S2 is first sent back for its figures and fixed by its agency.
    const sentBack = await call('POST', `/returns/${cycleId}.S2/send-back`, as.reviewer, {
      reason: 'Please add the ASB letters, agreements and breach letters issued',
    });
    expect(sentBack.status).toBe(200);
    const seen = await call('GET', `/returns/${cycleId}.S2`, as.lead('sevenoaks-csp'));
    expect(seen.body.sentBackReason).toBe('Please add the ASB letters, agreements and breach letters issued');
    expect((await call('POST', `/returns/${cycleId}.S2/submit`, as.lead('sevenoaks-csp'), S2)).status).toBe(
      200,
    );
    for (const ref of Object.keys(returns)) {
      const reviewer = ref === 'S2' ? as.reviewer2 : as.reviewer;
      expect([ref, (await call('POST', `/returns/${cycleId}.${ref}/approve`, reviewer)).status]).toEqual([
        ref,
        200,
      ]);
    }
    await projectionsSettled(product);
  });

  it('carries them into the JSON report in the seed’s order and structure', async () => {
    const report = (await call('GET', `/cycles/${cycleId}/report`, as.coordinator)).body;
    expect(report).toMatchObject({
      partnership: 'Sevenoaks District Local Strategic Partnership',
      label,
      period: 'April 2019 - March 2020',
      headline: { text: '83% of measures on target', rated: 6, green: 5, amber: 1, red: 0, notRated: 21 },
    });
    expect(report.themes.map((t: { title: string }) => t.title)).toEqual([
      'Safe Communities',
      'Caring Communities',
      'Green Environment',
      'Healthy Environment',
      'Dynamic Economy',
      'Sustainable Economy',
    ]);

    const safe = report.themes[0];
    expect(safe).toMatchObject({
      heading: 'Safe Communities - A safer place to live work and travel',
      leadAgenciesLine: 'Lead Agency: Sevenoaks District Community Safety Partnership',
      leadAgencies: [{ id: 'sevenoaks-csp', name: 'Sevenoaks District Community Safety Partnership' }],
      counts: { green: 4, amber: 1, red: 0, notRated: 0 },
    });
    // The seed lists no priorities for Safe Communities (issue 12 point 5).
    expect(safe.priorities).toEqual([]);
    expect(safe.measures.map((m: { ref: string }) => m.ref)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(safe.measures.map((m: { text: string }) => m.text)).toEqual([
      '85% of actions in the Community Safety Partnership Strategy and action plan achieved each year',
      'Keep overall crime amongst the lowest in the county and aim for an improvement in that position.',
      'Maintain the low number of Anti-Social Behaviour (ASB) incidents (no higher than 3rd in the county)',
      'Road safety measures undertaken to prevent people from being killed or seriously injured (KSI) on local roads.',
      'Enforcement action taken against dangerously or illegally parked cars.',
    ]);
    for (const m of safe.measures) {
      const entered = returns[m.ref] as { narrative: string; rag: string; comments?: string };
      expect(m).toMatchObject({
        rag: entered.rag,
        narrative: entered.narrative,
        narrativeHtml: renderNarrative(entered.narrative),
        comments: entered.comments ?? null,
        approvedBy: m.ref === 'S2' ? STAFF.reviewer2 : STAFF.reviewer,
      });
    }
    // Bullets, and S2's sub-bullets under its bullet, as the seed nests them.
    const s2 = safe.measures[1].narrativeHtml;
    expect(s2).toMatch(
      /^<ul>\n<li>The district remains the second lowest in Kent.*<ul>\n<li>42 Anti-Social Behaviour/s,
    );
    expect(s2).toContain('<li>11 ABA breach letters</li>\n</ul>\n</li>\n</ul>');
    expect(safe.measures[2].narrativeHtml.match(/<ul>/g)).toHaveLength(2);
    expect(safe.measures[4].agency).toBe('Sevenoaks District Council');

    const c3 = report.themes[1].measures.find((m: { ref: string }) => m.ref === 'C3');
    expect(c3.tables).toEqual([NEET_TABLE]);
    expect(c3.agency).toBe("Sevenoaks District Local Children's Partnership Group (KCC)");

    expect(report.appendices).toHaveLength(1);
    expect(report.appendices[0]).toMatchObject({ number: 1, heading: 'Appendix 1 - Partner Case Studies' });
    expect(report.appendices[0].groups).toEqual([
      {
        themeId: 'safe-communities',
        title: 'Safe Communities',
        caseStudies: S1.caseStudies.map((c) =>
          expect.objectContaining({
            measureRef: 'S1',
            title: c.title,
            organisation: c.agency,
            sections: c.sections.map((s) => ({ ...s, bodyHtml: renderNarrative(s.body) })),
          }),
        ),
      },
    ]);
  });

  it('carries them into the HTML report in the same order and structure', async () => {
    const html = (await call('GET', `/cycles/${cycleId}/report?format=html`, as.coordinator)).body as string;
    const at = (text: string) => {
      const i = html.indexOf(text);
      expect([text, i >= 0]).toEqual([text, true]);
      return i;
    };
    const order = [
      '<h2>Safe Communities - A safer place to live work and travel</h2>',
      '<p class="lead-agencies">Lead Agency: Sevenoaks District Community Safety Partnership</p>',
      'The monitoring is based on the following agreed key success measures for the above priorities',
      '<th scope="col">Year 1 (April 2019 - March 2020)</th>',
      'id="measure-S1"',
      'id="measure-S2"',
      'id="measure-S3"',
      'id="measure-S4"',
      'id="measure-S5"',
      '<h2>Caring Communities - Where children are given the best start and people can be supported to live independent lives</h2>',
      '<p class="lead-agencies">Lead Agencies: Sevenoaks District Council and the Sevenoaks District Local Children&#39;s Partnership Group (KCC)</p>',
      '<th scope="row">Priority 1</th>',
      'id="measure-C3"',
      '<caption>Table 1 NEET Not knowns</caption>',
      '<h2>Appendix 1 - Partner Case Studies</h2>',
      '<h3>Safe Communities</h3>',
      '<h4>Kent Police - Making Policing more visible</h4>',
      '<h4>Case Study - Supporting Vulnerable and repeat victims of crime - Domestic Abuse (DAVSS)</h4>',
      '<h5>The beginning</h5>',
      '<h5>The middle</h5>',
      '<h5>The end?</h5>',
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // A theme the seed lists no priorities for prints no priorities table (issue 12 point 5).
    const safe = html.slice(
      html.indexOf('id="theme-safe-communities"'),
      html.indexOf('id="theme-caring-communities"'),
    );
    expect(safe).toContain('Lead Agency: Sevenoaks District Community Safety Partnership');
    expect(safe).not.toContain('class="priorities"');
    expect(html).toContain('<td class="rag rag-amber">Amber</td>');
    expect(html).toContain('<th scope="col">Yr12 &amp; Yr13 NEET Summary</th>');
    expect(html).toContain(
      // The district names its row; figures are right-aligned and kept on one line.
      '<tr><th scope="row" class="label">Sevenoaks</th><td class="num">1,930</td><td></td><td class="num">2.7%</td>' +
        '<td class="num">1.3%</td><td class="num">-1.4%</td><td class="num">17</td><td class="num">2.1%</td>',
    );
    expect(html).toContain('<li>32 Acceptable Behaviour Agreements (ABA)</li>');
    expect(html).toContain('Consistently above 85% target');
  });

  it('carries them into CSV that a real CSV parser reads back cell for cell', async () => {
    const response = await call('GET', `/cycles/${cycleId}/report?format=csv`, as.coordinator);
    expect(response.status).toBe(200);
    const records = parse(response.body as string, { bom: true }) as string[][];
    // One record per measure of the plan: a narrative's line breaks stay inside its cell.
    expect(records).toHaveLength(1 + 27);
    expect(records.every((r) => r.length === ROW_HEADER.length)).toBe(true);
    const byRef = new Map(records.slice(1).map((r) => [r[1], r]));
    for (const [ref, entered] of Object.entries(returns)) {
      const record = byRef.get(ref)!;
      expect([ref, record[5]]).toEqual([ref, narrativeText(entered.narrative)]);
    }
    // The seed's narratives are paragraphs and bullets: most of them hold line breaks.
    expect(Object.keys(returns).filter((ref) => byRef.get(ref)![5].includes('\n')).length).toBeGreaterThan(3);
    expect(byRef.get('C3')![6]).toBe(tableText(NEET_TABLE));
    const report = (await call('GET', `/cycles/${cycleId}/report`, as.coordinator)).body;
    expect(records).toEqual([
      [...ROW_HEADER],
      ...reportRows(report).map((r) => r.cells.map((c) => String(neutraliseFormula(c)))),
    ]);
  });
});
