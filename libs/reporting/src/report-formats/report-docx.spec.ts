import JSZip from 'jszip';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { toPublishedReport } from '../cycle-report/published-cycle-report.js';
import { approved, awaiting, reportInput } from '../testing/report-fixture.js';
import { dayInWords } from './colophon.js';
import { columnWidths, renderReportDocx } from './report-docx.js';

const hostile = '<script>alert("x")</script>\u0007';

const report = buildCycleReport(
  reportInput({
    returns: [
      approved('S1', 'safe', 'csp', {
        rag: 'green',
        narrative: `Plan at **98%** ${hostile}\n\n- Attending events\n  - 18 Task and Finish Groups\n- Second bullet\n\n1. first\n2. second`,
        dot: 'improving',
        comments: 'On track',
        tables: [
          {
            caption: 'Table 1 NEET Not knowns',
            header: ['District', 'Cohort'],
            rows: [['Sevenoaks', '1,930']],
          },
        ],
        caseStudies: [
          {
            title: 'Jane’s story',
            agency: 'Kent Police',
            sections: [{ heading: 'The beginning', body: '- Jane moved\n  - to Swanley' }],
          },
        ],
      }),
      approved('S2', 'safe', 'csp', { rag: 'amber', narrative: 'Second lowest', dot: 'no-change' }),
      approved('C1', 'caring', 'sdc', { rag: 'red', narrative: '£758,817.95 of assistance' }),
      awaiting('S3', 'safe', 'sdc'),
    ],
  }),
);

async function documentXml(
  provenance?: Parameters<typeof renderReportDocx>[1],
): Promise<{ xml: string; zip: JSZip }> {
  const zip = await JSZip.loadAsync(await renderReportDocx(report, provenance));
  return { xml: await zip.file('word/document.xml')!.async('string'), zip };
}

/** The paragraphs' texts in order, with the style each has: enough to read the document's outline. */
function paragraphs(xml: string): { style: string | null; text: string; xml: string }[] {
  return [...xml.matchAll(/<w:p>([\s\S]*?)<\/w:p>|<w:p [^>]*>([\s\S]*?)<\/w:p>/g)].map((m) => {
    const body = m[1] ?? m[2] ?? '';
    return {
      style: /<w:pStyle w:val="([^"]+)"/.exec(body)?.[1] ?? null,
      text: [...body.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
      xml: body,
    };
  });
}

describe('the report as a Word document', () => {
  it('prints a link’s address as it is, whatever direction override the narrative holds', async () => {
    const spoof = 'https://evil.example/ku.vog.skaoneves.www//:sptth';
    const hostile = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            // Zero-width and control characters, and a word longer than any line, besides the overrides.
            narrative: `See [the plan\u202e](${spoof}) \u2067today\u200b.\u0007\n\n${'x'.repeat(5_000)}`,
            comments: '\u202dLRO\u202c \u2066isolated\u2069',
          }),
        ],
      }),
    );
    const zip = await JSZip.loadAsync(await renderReportDocx(hostile));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(xml).not.toContain('\u0007');
    const texts = paragraphs(xml).map((p) => p.text);
    expect(texts).toContain(`See the plan (${spoof}) today\u200b.`);
    expect(texts).toContain('LRO isolated');
    expect(texts).toContain('x'.repeat(5_000));
  });

  it('is a Word document in landscape A4', async () => {
    const { xml, zip } = await documentXml();
    expect(Object.keys(zip.files)).toEqual(
      expect.arrayContaining(['word/document.xml', 'word/numbering.xml']),
    );
    expect(xml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
  });

  it('numbers its pages in a footer under the report’s title, as the PDF and the seed do', async () => {
    const { xml, zip } = await documentXml();
    // The section names its footer, and the footer holds the title and Word's page and page-count fields.
    const id = /<w:footerReference w:type="default" r:id="([^"]+)"\/>/.exec(xml)?.[1];
    expect(id).toBeDefined();
    const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
    const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(rels);
    const footer = await zip.file(`word/${target?.[1] ?? target?.[2]}`)!.async('string');
    const text = [
      ...footer.matchAll(
        /<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:instrText[^>]*>([^<]*)<\/w:instrText>|<w:tab\/>/g,
      ),
    ]
      .map((t) => t[1] ?? (t[2] === undefined ? '\t' : `{${t[2].trim()}}`))
      .join('');
    expect(text).toBe(`${report.title}\tPage {PAGE} of {NUMPAGES}`);
  });

  it('gives the title, the themes and the appendix Word heading styles in the seed’s order', async () => {
    const { xml } = await documentXml();
    const outline = paragraphs(xml)
      .filter((p) => p.style && /^(Title|Heading)/.test(p.style))
      .map((p) => `${p.style}: ${p.text}`);
    expect(outline).toEqual([
      'Title: Community Plan Annual Monitoring Report 2019/20',
      'Heading1: Summary',
      'Heading1: Safe Communities - A safer place to live work and travel',
      'Heading1: Caring Communities',
      'Heading1: Appendix 1 - Partner Case Studies',
      'Heading2: Safe Communities',
      'Heading3: Jane’s story',
      // A case study's sections are headings under it, as the page and the PDF's tags have them (h5): Word's
      // navigation pane and a contents table list them.
      'Heading4: The beginning',
    ]);
    expect(xml).toContain('33% of measures on target');
  });

  it('opens with a contents page after the title: Word’s table of contents of Heading 1 and 2, updated on opening', async () => {
    const { xml, zip } = await documentXml();
    const contents = /<w:sdt>[\s\S]*?<\/w:sdt>/.exec(xml)?.[0] ?? '';
    expect(contents).toContain('<w:docPartGallery w:val="Table of Contents"/>');
    // Word's TOC field over Heading 1-2, its lines links to the headings.
    expect(contents).toMatch(/<w:instrText[^>]*>TOC \\h \\o &quot;1-2&quot;<\/w:instrText>/);
    // Its lines are there before Word updates it: the summary, each theme, the appendix and its group, no more.
    const lines = paragraphs(contents).filter((p) => p.style === 'TOC1' || p.style === 'TOC2');
    expect(lines.map((p) => `${p.style}: ${p.text}`)).toEqual([
      'TOC1: Summary',
      'TOC1: Safe Communities - A safer place to live work and travel',
      'TOC1: Caring Communities',
      'TOC1: Appendix 1 - Partner Case Studies',
      'TOC2: Safe Communities',
    ]);
    // After the title and the introduction, under a "Contents" line; the summary starts the next page.
    const at = xml.indexOf('<w:sdt>');
    expect(xml.indexOf('This report is produced on behalf of')).toBeLessThan(at);
    expect(paragraphs(xml.slice(0, at)).at(-1)?.text).toBe('Contents');
    const summary = paragraphs(xml.slice(at + contents.length)).find((p) => p.style === 'Heading1');
    expect(summary?.text).toBe('Summary');
    expect(summary?.xml).toContain('<w:pageBreakBefore/>');
    // Word offers to update the fields when it opens the document, and so writes the page numbers.
    const settings = await zip.file('word/settings.xml')!.async('string');
    expect(settings).toMatch(/<w:updateFields(?: w:val="(?:true|1|on)")?\/>/);
  });

  it('is written in UK English, so Word checks its spelling as British', async () => {
    const { zip } = await documentXml();
    const styles = await zip.file('word/styles.xml')!.async('string');
    const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? '';
    expect(defaults).toMatch(/<w:rPrDefault>[\s\S]*<w:lang w:val="en-GB"\/>[\s\S]*<\/w:rPrDefault>/);
  });

  it('tables the measures with the seed’s columns, a repeating header and the RAG cell shaded and worded', async () => {
    const { xml } = await documentXml();
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(xml).toContain('<w:tblHeader/>');
    const header = ['Ref', 'Key Success Measure', 'Lead', 'RAG', 'Year 1 (April 2019 - March 2020)'];
    let at = 0;
    for (const text of [...header, 'DOT', 'Direction of Travel &amp; comments']) {
      const next = xml.indexOf(`>${text}</w:t>`, at);
      expect([text, next > at]).toEqual([text, true]);
      at = next;
    }
    for (const [fill, word] of [
      ['00703C', 'Green'],
      ['FFBF47', 'Amber'],
      ['D4351C', 'Red'],
      ['F3F2F1', 'Not rated'],
    ]) {
      expect([
        word,
        new RegExp(`<w:shd [^>]*w:fill="${fill}"[^>]*/>[\\s\\S]{0,400}?>${word}</w:t>`).test(xml),
      ]).toEqual([word, true]);
    }
  });

  it('keeps a short measure’s row on one page, under the repeating header, and lets a row longer than half a page break', async () => {
    const paragraph = (n: number) => `Paragraph ${n} ${'words '.repeat(100)}`.trim();
    const long = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'Plan at 98%', comments: 'On track' }),
          approved('S2', 'safe', 'csp', {
            rag: 'amber',
            narrative: Array.from({ length: 24 }, (_, i) => paragraph(i + 1)).join('\n\n'),
          }),
          awaiting('S3', 'safe', 'sdc'),
        ],
      }),
    );
    const xml = await (
      await JSZip.loadAsync(await renderReportDocx(long))
    )
      .file('word/document.xml')!
      .async('string');
    // Each row of the theme's table by its Ref (the first cell's text) and its row properties.
    const table = xml.slice(xml.indexOf('<w:tbl>', xml.indexOf('The monitoring is based')));
    const rows = [...table.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((r) => ({
      first: /<w:t(?: [^>]*)?>([^<]*)<\/w:t>/.exec(r[1])?.[1],
      props: /<w:trPr>([\s\S]*?)<\/w:trPr>/.exec(r[1])?.[1] ?? '',
    }));
    expect(rows.slice(0, 4).map((r) => [r.first, r.props.includes('<w:cantSplit/>')])).toEqual([
      ['Ref', true],
      ['S1', true],
      ['S2', false],
      ['S3', true],
    ]);
    expect(rows[0].props).toContain('<w:tblHeader/>');
  });

  it('titles each theme’s table with the theme, as the seed and the page’s caption do, kept with the table', async () => {
    const { xml } = await documentXml();
    const all = paragraphs(xml);
    const lead = all.findIndex((p) => p.text.startsWith('The monitoring is based'));
    expect(all[lead + 1].text).toBe('Safe Communities - A safer place to live work and travel');
    expect(all[lead + 1].xml).toMatch(/<w:keepNext\/>/);
    expect(all[lead + 1].xml).toMatch(/<w:b\/>/);
    // Straight above the table's header row.
    const caption = xml.indexOf(
      '>Safe Communities - A safer place to live work and travel</w:t>',
      xml.indexOf('The monitoring is based'),
    );
    expect(xml.slice(caption, xml.indexOf('>Ref</w:t>', caption))).toMatch(/^[^]*?<\/w:p><w:tbl>/);
  });

  it('makes the narrative’s bullets Word numbering lists, nested bullets one level down', async () => {
    const { xml } = await documentXml();
    const all = paragraphs(xml);
    const level = (text: string) => {
      const p = all.find((q) => q.text === text);
      expect([text, p && /<w:numPr>/.test(p.xml)]).toEqual([text, true]);
      return /<w:ilvl w:val="(\d)"\/>/.exec(p!.xml)?.[1];
    };
    expect(level('Attending events')).toBe('0');
    expect(level('18 Task and Finish Groups')).toBe('1');
    expect(level('Second bullet')).toBe('0');
    expect(level('first')).toBe('0');
    expect(level('Jane moved')).toBe('0');
    expect(level('to Swanley')).toBe('1');
    // Bullets and numbered items are different Word lists.
    const numId = (text: string) =>
      /<w:numId w:val="(\d+)"\/>/.exec(all.find((p) => p.text === text)!.xml)?.[1];
    expect(numId('first')).not.toBe(numId('Attending events'));
  });

  it('makes a list pasted from Word (a bullet and a tab, "o" a level in) Word numbering lists too', async () => {
    const pasted = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            narrative: 'This included:\r\n•\tAttending events\r\no\tIn Swanley\r\n•\tInviting schools',
          }),
        ],
      }),
    );
    const zip = await JSZip.loadAsync(await renderReportDocx(pasted));
    const all = paragraphs(await zip.file('word/document.xml')!.async('string'));
    const level = (text: string) => {
      const p = all.find((q) => q.text === text);
      expect([text, p && /<w:numPr>/.test(p.xml)]).toEqual([text, true]);
      return /<w:ilvl w:val="(\d)"\/>/.exec(p!.xml)?.[1];
    };
    expect(level('Attending events')).toBe('0');
    expect(level('In Swanley')).toBe('1');
    expect(level('Inviting schools')).toBe('0');
    expect(all.map((p) => p.text).join('\n')).not.toMatch(/•|\t/);
  });

  it('prints a return’s data table as a Word table with every cell, and keeps markup as text', async () => {
    const { xml } = await documentXml();
    const tableStart = xml.indexOf('>Table 1 NEET Not knowns<');
    expect(tableStart).toBeGreaterThan(0);
    for (const cell of ['District', 'Cohort', 'Sevenoaks', '1,930']) expect(xml).toContain(`>${cell}</w:t>`);
    expect(paragraphs(xml).map((p) => p.text)).toContain(
      'Plan at 98% &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
    );
    expect(xml).not.toContain('\u0007');
    expect(xml).toMatch(/<w:b\/>[\s\S]{0,200}>98%<\/w:t>/);
  });

  it('leaves the staff’s workflow out: no approver, version or suggested direction of travel', async () => {
    const { xml } = await documentXml();
    expect(xml).not.toContain('rita@example.org');
    expect(xml).not.toContain('Suggested');
    expect(xml).not.toMatch(/\(version \d/);
    expect(xml).not.toContain('Approved');
  });

  it('prints the day each return was last updated under its comments, when the coordinator chose it', async () => {
    const dated = toPublishedReport(report, { lastUpdatedDates: true });
    const day = dated.themes[0].measures[0].lastUpdated!;
    const zip = await JSZip.loadAsync(await renderReportDocx(dated));
    const texts = paragraphs(await zip.file('word/document.xml')!.async('string')).map((p) => p.text);
    // Under S1's comments, as the page has it (the spreadsheets have a Last updated column).
    const s1 = texts.indexOf('On track');
    expect(texts.slice(s1, s1 + 2)).toEqual(['On track', `Last updated ${dayInWords(day)}`]);
    expect(texts.filter((t) => t.startsWith('Last updated'))).toHaveLength(3);
    // Undated, a publication says no day.
    const undated = await renderReportDocx(toPublishedReport(report, { lastUpdatedDates: false }));
    expect(await (await JSZip.loadAsync(undated)).file('word/document.xml')!.async('string')).not.toContain(
      'Last updated',
    );
  });

  it('gives under each DOT the measure’s RAG in the earlier cycles, as the page and the PDF do', async () => {
    const later = buildCycleReport({
      ...reportInput({
        returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'On target', dot: 'improving' })],
      }),
      pastCycles: [
        {
          cycleId: 'y-1',
          label: '2017/18',
          periodStart: '2017-04-01',
          periodEnd: '2018-03-31',
          ratings: new Map([['S1', 'red']]),
        },
        {
          cycleId: 'y0',
          label: '2018/19',
          periodStart: '2018-04-01',
          periodEnd: '2019-03-31',
          ratings: new Map(),
        },
      ],
    });
    for (const shown of [later, toPublishedReport(later, { lastUpdatedDates: false })]) {
      const zip = await JSZip.loadAsync(await renderReportDocx(shown));
      const texts = paragraphs(await zip.file('word/document.xml')!.async('string')).map((p) => p.text);
      const dot = texts.indexOf('Improving');
      expect(texts.slice(dot, dot + 2)).toEqual(['Improving', 'RAG trend: 2017/18 Red → 2018/19 Not rated']);
    }
    // A first cycle has no trend to give.
    expect((await documentXml()).xml).not.toContain('trend:');
  });

  it('names under a case study’s attribution the measure it tells of, as the page and the PDF do', async () => {
    const texts = paragraphs((await documentXml()).xml).map((p) => p.text);
    const study = texts.indexOf('Jane’s story');
    expect(texts.slice(study, study + 4)).toEqual([
      'Jane’s story',
      'Kent Police',
      'Measure S1',
      'The beginning',
    ]);
  });

  it('says the publication in one colophon line when it is one', async () => {
    expect((await documentXml()).xml).not.toContain('Publication');
    const { xml } = await documentXml({
      published: { publication: 2, publishedAt: '2020-05-01T10:00:00.000Z', contentHash: 'ab12' },
    });
    expect(xml).toContain('Publication 2, published 1 May 2020. Content hash: ab12');
  });

  it('widens a data table’s column to its longest cell, so a name or a figure is never broken inside', () => {
    const widths = columnWidths(
      ['Yr12 & Yr13 NEET Summary', 'Total Cohort Yr12 & Yr13', '% NEET Yr12 & Yr13'],
      [
        ['Folkestone and Hythe', '2,166', '4.3%'],
        ['Kent', '32,240', '3.6%'],
      ],
      3,
      3750,
    );
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3750);
    // Beyond each column's padding (230), characters share the rest: "Folkestone and Hythe" (20) against the
    // bold "Cohort" (8) and "NEET" (6), wider than their figures.
    expect(widths).toEqual([230 + 1800, 230 + 720, 230 + 540]);
  });

  it('makes a table typed in a narrative a Word table, starts each numbered list at 1 and notes unreadable parts', async () => {
    const typed = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            narrative:
              '| District | NEET |\n| --- | --- |\n| Sevenoaks | 2.7% |\n\n1. one\n2. two\n\nBetween\n\n1. again',
          }),
        ],
      }),
    );
    const marked = {
      ...typed,
      themes: typed.themes.map((t) => ({
        ...t,
        measures: t.measures.map((m) => ({ ...m, unreadable: [{ part: 'tables/0', problem: 'a list' }] })),
      })),
    };
    const zip = await JSZip.loadAsync(await renderReportDocx(marked));
    const xml = await zip.file('word/document.xml')!.async('string');
    const progress = xml.slice(xml.indexOf('>S1</w:t>'));
    const table = progress.slice(progress.indexOf('<w:tbl>'), progress.indexOf('</w:tbl>'));
    for (const cell of ['District', 'NEET', 'Sevenoaks', '2.7%']) expect(table).toContain(`>${cell}</w:t>`);
    const all = paragraphs(xml);
    const numId = (text: string) =>
      /<w:numId w:val="(\d+)"\/>/.exec(all.find((p) => p.text === text)!.xml)?.[1];
    expect(numId('two')).toBe(numId('one'));
    expect(numId('again')).not.toBe(numId('one'));
    expect(all.map((p) => p.text)).toContain(
      'Part of this return could not be shown as stored: table 1 (a list).',
    );
  });

  it('counts a numbered list from the number it was typed with, as the page and the spreadsheet do', async () => {
    const zip = await JSZip.loadAsync(
      await renderReportDocx(
        buildCycleReport(
          reportInput({
            returns: [
              approved('S1', 'safe', 'csp', {
                rag: 'green',
                narrative: 'Steps taken:\n\n3.\tThird item\n4.\tFourth item\n\nBetween\n\n1. again',
              }),
            ],
          }),
        ),
      ),
    );
    const xml = await zip.file('word/document.xml')!.async('string');
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    const all = paragraphs(xml);
    // The number Word prints first: the start its list instance overrides its level with.
    const firstNumber = (text: string) => {
      const p = all.find((q) => q.text === text)!.xml;
      const numId = /<w:numId w:val="(\d+)"\/>/.exec(p)![1];
      const level = /<w:ilvl w:val="(\d+)"\/>/.exec(p)![1];
      const num = new RegExp(`<w:num w:numId="${numId}"[^>]*>([\\s\\S]*?)</w:num>`).exec(numbering)![1];
      const override = new RegExp(
        `<w:lvlOverride w:ilvl="${level}">\\s*<w:startOverride w:val="(\\d+)"`,
      ).exec(num);
      return Number(override?.[1] ?? 1);
    };
    expect(firstNumber('Third item')).toBe(3);
    expect(all.find((p) => p.text === 'Fourth item')!.xml).toBe(
      all.find((p) => p.text === 'Third item')!.xml.replace('Third item', 'Fourth item'),
    );
    expect(firstNumber('again')).toBe(1);
  });
  it('indents a list item’s second paragraph under the item’s text, as the page and the spreadsheet do', async () => {
    const zip = await JSZip.loadAsync(
      await renderReportDocx(
        buildCycleReport(
          reportInput({
            returns: [
              approved('S1', 'safe', 'csp', {
                rag: 'green',
                narrative:
                  '- Attending events\n\n  Second paragraph of it\n\n  - Nested\n\n    Under nested\n\n1. Numbered\n\n   Its own second\n\nAfter the lists',
              }),
            ],
          }),
        ),
      ),
    );
    const all = paragraphs(await zip.file('word/document.xml')!.async('string'));
    const left = (text: string) => {
      const p = all.find((q) => q.text === text)!.xml;
      return { numbered: /<w:numPr>/.test(p), left: Number(/<w:ind w:left="(\d+)"/.exec(p)?.[1] ?? 0) };
    };
    // The bullet's text starts at its level's left indent (360 a level): the paragraph under it starts there.
    expect(left('Second paragraph of it')).toEqual({ numbered: false, left: 360 });
    expect(left('Under nested')).toEqual({ numbered: false, left: 720 });
    expect(left('Its own second')).toEqual({ numbered: false, left: 360 });
    expect(left('After the lists')).toEqual({ numbered: false, left: 0 });
  });
});
