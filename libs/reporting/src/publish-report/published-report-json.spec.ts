import { readPublishedReport } from './published-report-json.js';

describe('readPublishedReport', () => {
  const earlier = {
    label: 'Year 1 2019/20',
    period: 'April 2019 - March 2020',
    themes: [],
    appendix: {
      caseStudies: [
        {
          themeId: 'safe',
          title: 'Safe Communities',
          caseStudies: [
            {
              measureRef: 'S1',
              agencyId: 'police',
              title: 'Visible policing',
              agency: 'Kent Police',
              sections: [
                { heading: 'The beginning', body: 'More officers', bodyHtml: '<p>More officers</p>' },
              ],
            },
          ],
        },
      ],
    },
  };

  it('reads a report published before appendices were a list as Appendix 1, by theme', () => {
    const report = readPublishedReport(JSON.stringify(earlier));
    expect(report.appendix).toEqual(earlier.appendix);
    expect(report.yearHeading).toBe('Year 1 2019/20 (April 2019 - March 2020)');
    expect(report.appendices).toEqual([
      {
        number: 1,
        heading: 'Appendix 1 - Partner Case Studies',
        title: 'Partner Case Studies',
        introduction: '',
        introductionHtml: '',
        groups: [
          {
            themeId: 'safe',
            title: 'Safe Communities',
            caseStudies: [
              {
                measureRef: 'S1',
                agencyId: 'police',
                title: 'Visible policing',
                organisation: 'Kent Police',
                author: null,
                sections: [
                  { heading: 'The beginning', body: 'More officers', bodyHtml: '<p>More officers</p>' },
                ],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('prints no appendix for an earlier report without case studies', () => {
    const report = readPublishedReport(JSON.stringify({ ...earlier, appendix: { caseStudies: [] } }));
    expect(report.appendices).toEqual([]);
  });

  it('leaves a report already in today’s shape as it is', () => {
    const today = { label: 'L', period: 'P', yearHeading: 'Year 1 (P)', themes: [], appendices: [] };
    expect(readPublishedReport(JSON.stringify(today))).toEqual(today);
  });

  it('reads a publication of an older release without the approver, version or suggested DOT of any measure', () => {
    const measure = {
      ref: 'S1',
      text: 'Crime',
      position: 1,
      agencyId: 'police',
      agency: 'Kent Police',
      rag: 'green',
      narrative: 'Lowest',
      narrativeHtml: '<p>Lowest</p>',
      dot: 'new',
      suggestedDot: 'new',
      previousRag: null,
      trend: [],
      comments: null,
      tables: [],
      approvedBy: 'reviewer@sevenoaks.example.org',
      approvedAt: '2026-12-02T10:00:00.000Z',
      version: 4,
    };
    const old = {
      ...earlier,
      yearHeading: 'Y',
      appendices: [],
      themes: [{ themeId: 'safe', measures: [measure] }],
    };
    const report = readPublishedReport(JSON.stringify(old));
    const { approvedBy: _b, approvedAt: _a, version: _v, suggestedDot: _s, ...published } = measure;
    expect(report.themes[0].measures).toEqual([published]);
    expect(JSON.stringify(report)).not.toMatch(/reviewer@|approvedBy|"version"|suggestedDot/);
  });
});
