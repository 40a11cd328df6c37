import { approved, awaiting, reportInput } from '../testing/report-fixture.js';
import { buildCycleReport, restrictToAgency } from './cycle-report.js';
import { suggestedDot } from './suggested-dot.js';

describe('buildCycleReport', () => {
  const input = reportInput({
    returns: [
      approved('S2', 'safe', 'csp', { rag: 'amber', narrative: '- one\n  - nested', dot: 'no-change' }),
      approved('C1', 'caring', 'sdc', {
        rag: 'green',
        narrative: 'Grants',
        caseStudies: [
          { title: 'HERO', agency: 'SDC', sections: [{ heading: 'The beginning', body: '- a' }] },
        ],
      }),
      approved('S1', 'safe', 'csp', {
        rag: 'green',
        narrative: 'At **98%**',
        dot: 'improving',
        comments: 'Above target',
        tables: [{ caption: 'T', header: ['a'], rows: [['1']] }],
        caseStudies: [{ title: 'DAVSS', agency: 'DAVSS', sections: [] }],
      }),
      awaiting('S3', 'safe', 'sdc'),
      approved('C2', 'caring', 'sdc', { rag: 'red', narrative: 'gone' }, { withdrawn: true }),
    ],
  });

  it('lays the report out as the seed does: themes and measures in the plan’s order, headline over rated', () => {
    const report = buildCycleReport(input);
    expect(report).toMatchObject({
      title: 'Community Plan Annual Monitoring Report 2019/20',
      yearHeading: 'Year 1 (April 2019 - March 2020)',
      partnership: 'Sevenoaks District LSP',
      period: 'April 2019 - March 2020',
      headline: {
        text: '67% of measures on target',
        onTargetPercent: 67,
        rated: 3,
        measures: 4,
        green: 2,
        amber: 1,
        red: 0,
        notRated: 1,
      },
    });
    expect(report.themes.map((t) => t.heading)).toEqual([
      'Safe Communities - A safer place to live work and travel',
      'Caring Communities',
    ]);
    const [safe, caring] = report.themes;
    expect(safe.leadAgenciesLine).toBe('Lead Agency: Community Safety Partnership');
    expect(safe.priorities).toEqual([
      { ref: 'S-P1', text: 'Deliver the CSP plan' },
      { ref: 'S-P2', text: 'Keep crime low' },
    ]);
    expect(safe.measures.map((m) => m.ref)).toEqual(['S1', 'S2']);
    expect(safe.awaiting).toEqual([
      { ref: 'S3', text: 'Measure S3', position: 3, agencyId: 'sdc', agency: 'Sevenoaks District Council' },
    ]);
    expect(safe.counts).toEqual({ green: 1, amber: 1, red: 0, notRated: 1 });
    expect(safe.measures[0]).toMatchObject({
      text: 'Measure S1',
      agency: 'Community Safety Partnership',
      narrativeHtml: '<p>At <strong>98%</strong></p>',
      comments: 'Above target',
      tables: [{ caption: 'T', header: ['a'], rows: [['1']] }],
      approvedBy: 'rita@example.org',
      approvedAt: '2020-04-20T10:00:00.000Z',
      version: 3,
    });
    expect(safe.measures[1].narrativeHtml).toBe('<ul>\n<li>one<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>');
    // Withdrawn returns are neither reported nor awaited.
    expect(caring.measures.map((m) => m.ref)).toEqual(['C1']);
    expect(caring.awaiting).toEqual([]);
    expect(report.appendices.map((a) => a.heading)).toEqual(['Appendix 1 - Partner Case Studies']);
    const [appendix] = report.appendices;
    expect(appendix.groups.map((t) => [t.title, t.caseStudies.map((c) => c.title)])).toEqual([
      ['Safe Communities', ['DAVSS']],
      ['Caring Communities', ['HERO']],
    ]);
    expect(appendix.groups[1].caseStudies[0].sections[0].bodyHtml).toBe('<ul>\n<li>a</li>\n</ul>');
  });

  it('shows each measure’s RAG trend over earlier cycles and the DOT the previous approved RAG suggests', () => {
    const report = buildCycleReport({
      ...input,
      pastCycles: [
        {
          cycleId: 'y-1',
          label: '2017/18',
          periodStart: '2017-04-01',
          periodEnd: '2018-03-31',
          ratings: new Map([
            ['S1', 'red'],
            ['S2', 'green'],
          ]),
        },
        {
          cycleId: 'y0',
          label: '2018/19',
          periodStart: '2018-04-01',
          periodEnd: '2019-03-31',
          ratings: new Map([['S1', 'amber']]),
        },
      ],
    });
    const [s1, s2] = report.themes[0].measures;
    expect(s1.trend.map((t) => t.rag)).toEqual(['red', 'amber']);
    expect(s1).toMatchObject({ previousRag: 'amber', suggestedDot: 'improving', dot: 'improving' });
    // The most recent earlier rating counts, even when the measure was not rated in the cycle just before.
    expect(s2.trend.map((t) => t.rag)).toEqual(['green', null]);
    expect(s2).toMatchObject({ previousRag: 'green', suggestedDot: 'declining', dot: 'no-change' });
    expect(report.themes[1].measures[0]).toMatchObject({
      previousRag: null,
      suggestedDot: 'new',
      trend: [expect.objectContaining({ rag: null }), expect.objectContaining({ rag: null })],
    });
  });

  it('is the same byte for byte for the same input', () => {
    expect(JSON.stringify(buildCycleReport(input))).toBe(JSON.stringify(buildCycleReport(input)));
  });

  it('says so when nothing is rated yet', () => {
    expect(buildCycleReport(reportInput()).headline).toMatchObject({
      text: 'No measures rated yet',
      onTargetPercent: null,
      rated: 0,
    });
  });

  it('shows an agency lead only their agency’s measures and case studies, counted again', () => {
    const report = restrictToAgency(buildCycleReport(input), 'sdc');
    expect(report.themes.map((t) => [t.measures.map((m) => m.ref), t.awaiting.map((m) => m.ref)])).toEqual([
      [[], ['S3']],
      [['C1'], []],
    ]);
    expect(report.headline).toMatchObject({ rated: 1, green: 1, notRated: 1, onTargetPercent: 100 });
    expect(report.appendices.flatMap((a) => a.groups.map((t) => t.title))).toEqual(['Caring Communities']);
  });
});

describe('suggestedDot', () => {
  it.each([
    ['amber', 'green', 'improving'],
    ['green', 'green', 'no-change'],
    ['green', 'red', 'declining'],
    [null, 'amber', 'new'],
    ['red', null, null],
  ] as const)('from %s to %s suggests %s', (previous, current, expected) => {
    expect(suggestedDot(previous, current)).toBe(expected);
  });
});

describe('buildCycleReport with the cycle’s own appendices', () => {
  const returns = [
    approved('S1', 'safe', 'csp', {
      rag: 'green',
      narrative: 'n',
      caseStudies: [{ title: 'DAVSS', agency: 'DAVSS', sections: [{ heading: 'The beginning', body: 'b' }] }],
    }),
    approved('C1', 'caring', 'sdc', {
      rag: 'green',
      narrative: 'n',
      caseStudies: [{ title: 'HERO', agency: 'SDC', sections: [] }],
    }),
  ];
  const entered = (
    title: string,
    themeId: string | null,
    measureRef: string | null,
    author: string | null,
  ) => ({
    caseStudyId: title,
    kind: 'entered' as const,
    title,
    organisation: 'Kent Police',
    author,
    measureRef,
    themeId,
    sections: [{ heading: '', body: '**Visible** policing' }],
  });

  it('prints them in their order, numbered, grouping a theme’s studies and leaving out unplaced agency ones', () => {
    const report = buildCycleReport(
      reportInput({
        returns,
        appendices: [
          {
            appendixId: 'appendix-1',
            title: 'Partner Case Studies',
            introduction: '',
            caseStudies: [
              entered('Speeding', 'safe', null, null),
              {
                caseStudyId: 'placed',
                kind: 'placed',
                returnId: 'y1.S1',
                index: 0,
                measureRef: 'S1',
                themeId: 'safe',
                agencyId: 'csp',
              },
              entered('Grants', 'caring', null, null),
            ],
          },
          { appendixId: 'appendix-2', title: 'Empty', introduction: 'nothing in it', caseStudies: [] },
          {
            appendixId: 'appendix-3',
            title: 'Supported Internship Case Studies',
            introduction: 'completed by Lucy Soper',
            caseStudies: [entered('Krysta', null, 'C1', 'Lucy Soper, Job Coach')],
          },
        ],
      }),
    );
    expect(report.appendices.map((a) => a.heading)).toEqual([
      'Appendix 1 - Partner Case Studies',
      'Appendix 2 - Supported Internship Case Studies',
    ]);
    const [partners, interns] = report.appendices;
    expect(partners.groups.map((g) => [g.title, g.caseStudies.map((c) => c.title)])).toEqual([
      ['Safe Communities', ['Speeding', 'DAVSS']],
      ['Caring Communities', ['Grants']],
    ]);
    expect(partners.groups[0].caseStudies[1]).toMatchObject({
      measureRef: 'S1',
      agencyId: 'csp',
      organisation: 'DAVSS',
      sections: [{ heading: 'The beginning', body: 'b' }],
    });
    expect(interns.introductionHtml).toContain('completed by Lucy Soper');
    expect(interns.groups).toEqual([
      {
        themeId: null,
        title: null,
        caseStudies: [
          {
            measureRef: 'C1',
            agencyId: null,
            title: 'Krysta',
            organisation: 'Kent Police',
            author: 'Lucy Soper, Job Coach',
            sections: [
              {
                heading: '',
                body: '**Visible** policing',
                bodyHtml: expect.stringContaining('<strong>Visible</strong>'),
              },
            ],
          },
        ],
      },
    ]);
    // HERO was not placed: once the coordinator makes appendices, they hold only what was put in them.
    expect(JSON.stringify(report.appendices)).not.toContain('HERO');
  });

  it('prints a study under its own heading where the seed’s differs from its theme’s title', () => {
    const report = buildCycleReport(
      reportInput({
        appendices: [
          {
            appendixId: 'appendix-1',
            title: 'Partner Case Studies',
            introduction: '',
            caseStudies: [
              { ...entered('GP', 'caring', null, null), groupHeading: 'Healthy Communities' },
              entered('HERO', 'caring', null, null),
            ],
          },
        ],
      }),
    );
    expect(report.appendices[0].groups.map((g) => [g.themeId, g.title])).toEqual([
      ['caring', 'Healthy Communities'],
      ['caring', 'Caring Communities'],
    ]);
  });

  it('keeps Appendix 1 of the agencies’ studies by theme for a cycle with no appendices of its own', () => {
    const report = buildCycleReport(reportInput({ returns, appendices: [] }));
    expect(report.appendices.map((a) => a.heading)).toEqual(['Appendix 1 - Partner Case Studies']);
    expect(report.appendices[0].groups.map((g) => g.title)).toEqual([
      'Safe Communities',
      'Caring Communities',
    ]);
  });
});

describe('the title and year heading', () => {
  const cycle = reportInput().cycle;
  const with_ = (changes: Partial<typeof cycle>) =>
    buildCycleReport(reportInput({ cycle: { ...cycle, ...changes } }));

  it('follow the seed by default: the plan’s name, "Annual Monitoring Report" and the year; "Year n (period)"', () => {
    expect(with_({})).toMatchObject({
      title: 'Community Plan Annual Monitoring Report 2019/20',
      yearHeading: 'Year 1 (April 2019 - March 2020)',
    });
    // The year is counted from the plan's start, whatever the label says.
    expect(with_({ label: 'Second year', periodStart: '2020-04-01', periodEnd: '2021-03-31' })).toMatchObject(
      {
        title: 'Community Plan Annual Monitoring Report 2020/21',
        yearHeading: 'Year 2 (April 2020 - March 2021)',
      },
    );
  });

  it('take the year from the label for a cycle outside the plan’s period, and the label when it names none', () => {
    expect(
      with_({ label: 'Year 4 2023/24', periodStart: '2023-04-01', periodEnd: '2024-03-31' }).yearHeading,
    ).toBe('Year 4 (April 2023 - March 2024)');
    expect(with_({ label: 'Extra', periodStart: '2023-01-01', periodEnd: '2023-12-31' })).toMatchObject({
      title: 'Community Plan Annual Monitoring Report 2023',
      yearHeading: 'Extra (January 2023 - December 2023)',
    });
  });

  it('are the coordinator’s own when set on the cycle', () => {
    expect(with_({ reportTitle: 'Our report', yearHeading: 'The first year' })).toMatchObject({
      title: 'Our report',
      yearHeading: 'The first year',
    });
  });
});
