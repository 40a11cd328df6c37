import { createHash } from 'node:crypto';
import { scopedCycleId } from '../libs/kernel/src/index.js';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';

/**
 * A passage redacted from a return that is already in a publication must be gone from the re-issued publication
 * in every form the publication holds it: as written (with either line ending) and rendered from Markdown
 * (`narrativeHtml`, a case study's `bodyHtml`), where "&" reads "&amp;" and bold text is split by tags. A probe
 * found the old publication's passage served on in each of those three ways, and a short passage replaced in the
 * plan's own words (a measure's text) of the re-issue.
 */
describe('redacting a passage a publication holds in another form (e2e)', () => {
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const S1 = `${cycleId}.S1`;
  // One name, typed twice: composed on one machine, decomposed (as macOS often types it) on another.
  const COMPOSED = 'Jos\u00e9 N\u00fa\u00f1ez';
  const DECOMPOSED = COMPOSED.normalize('NFD');
  let product: Product;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('redaction-forms');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1'],
    );
    await submitAndApprove(call, S1, as.coordinator, as.reviewer, {
      rag: 'green',
      comments: `Met ${COMPOSED} first, and later ${DECOMPOSED} again.`,
      narrative:
        'We visited the Smith & Jones family.\n\nMet **Kayden** Quint at home.\n\n- 3 visits, actions agreed',
      caseStudies: [
        {
          title: 'Home visits',
          agency: 'Community Safety Partnership',
          sections: [{ heading: 'Who', body: 'The Smith & Jones family, and **Kayden** Quint.' }],
        },
      ],
    });
    expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
    expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator, {})).status).toBe(201);
    await projectionsSettled(product);
  });
  afterAll(() => product.stop());

  const redact = async (field: string, passage: string) => {
    const res = await call('POST', `/returns/${S1}/redactions`, as.coordinator, {
      field,
      passage,
      reason: 'Names a family',
    });
    expect(res.status).toBe(200);
    return res.body as { reissued: { publication: number; reissuedAs: number }[] };
  };

  /** The latest publication as HTML and as its JSON, where the passage must not be read in any form. */
  async function latestPublication(): Promise<string> {
    const html = await fetch(`${product.baseUrl}/cycles/${cycleId}/report?format=html&published=latest`, {
      headers: as.coordinator,
    });
    expect(html.status).toBe(200);
    const json = await call('GET', `/cycles/${cycleId}/report?published=latest`, as.coordinator);
    expect(json.status).toBe(200);
    return `${await html.text()}\n${JSON.stringify(json.body)}`;
  }

  it('re-renders the Markdown a publication holds, so an escaped passage is not left in its HTML', async () => {
    expect(await latestPublication()).toContain('Smith &amp; Jones');
    const first = await redact('narrative', 'Smith & Jones');
    expect(first.reissued).toEqual([expect.objectContaining({ publication: 1, reissuedAs: 2 })]);
    await redact('caseStudies', 'Smith & Jones');
    const published = await latestPublication();
    expect(published).not.toContain('Smith &amp; Jones');
    expect(published).not.toContain('Smith & Jones');
  });

  it('takes out a passage written with Markdown emphasis, which the HTML holds split by tags', async () => {
    expect(await latestPublication()).toContain('<strong>Kayden</strong> Quint');
    await redact('narrative', '**Kayden** Quint');
    await redact('caseStudies', '**Kayden** Quint');
    const published = await latestPublication();
    expect(published).not.toContain('<strong>Kayden</strong> Quint');
    expect(published).not.toContain('Kayden');
  });

  it('re-issues the publication for a passage over several lines pasted with CRLF, as a textarea sends it', async () => {
    expect(await latestPublication()).toContain('at home.');
    const res = await redact('narrative', 'at home.\r\n\r\n- 3 visits');
    expect(res.reissued).toHaveLength(1);
    const published = await latestPublication();
    expect(published).not.toContain('at home.');
    expect(published).not.toContain('3 visits');
  });

  it('takes a short passage out of the return’s texts only, never out of the plan’s words around them', async () => {
    const measureText =
      '85% of actions in the Community Safety Partnership Strategy and action plan achieved each year';
    expect(await latestPublication()).toContain(measureText);
    const res = await redact('narrative', 'actions');
    expect(res.reissued).toHaveLength(1);
    const published = await latestPublication();
    expect(published).toContain('[redacted] agreed');
    expect(published).toContain(measureText);
  });

  it('takes out a passage typed with accents composed or decomposed, whichever form is pasted', async () => {
    expect(DECOMPOSED).not.toBe(COMPOSED);
    expect(await latestPublication()).toContain(DECOMPOSED);
    await redact('comments', COMPOSED);
    const view = (await call('GET', `/returns/${S1}`, as.coordinator)).body;
    expect(view.approved.content.comments).toBe('Met [redacted] first, and later [redacted] again.');
    const published = await latestPublication();
    expect(published).not.toContain(COMPOSED);
    expect(published).not.toContain(DECOMPOSED);
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM return_texts WHERE strpos(text, $1) > 0 OR strpos(text, $2) > 0`,
      [COMPOSED, DECOMPOSED],
    );
    expect(n).toBe(0);
  });

  it('never shows the passage’s hash in the history, where it would confirm a guessed name', async () => {
    const guessed = createHash('sha256').update('Smith & Jones', 'utf8').digest('hex');
    for (const who of [as.reviewer, as.coordinator]) {
      const view = (await call('GET', `/returns/${S1}`, who)).body;
      const redactions = view.history.filter((h: { type: string }) => h.type === 'PassageRedacted');
      expect(redactions.length).toBeGreaterThan(0);
      expect(redactions[0].data).toMatchObject({ field: 'narrative', passageLength: 13 });
      expect(JSON.stringify(view)).not.toContain(guessed);
    }
  });
});
