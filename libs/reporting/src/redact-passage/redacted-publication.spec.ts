import { redactedPublicationBody } from './redacted-publication.js';

describe('redactedPublicationBody: a publication re-issued without a passage', () => {
  const body = JSON.stringify({
    title: 'Report',
    themes: [{ measures: [{ ref: 'S1', narrative: 'Jamie said "thanks"', comments: null, rag: 'green' }] }],
    appendices: [{ caseStudies: [{ sections: [{ body: 'Jamie and Jamie' }] }] }],
  });

  it('replaces the passage in the return texts and case studies, the rest byte for byte', () => {
    const redacted = redactedPublicationBody(body, 'Jamie');
    expect(redacted).toBe(body.replaceAll('Jamie', '[redacted]'));
  });

  it('is null for bytes that never held the passage', () => {
    expect(redactedPublicationBody(body, 'Robin')).toBeNull();
  });

  it('matches inside strings only, never across the JSON around them', () => {
    expect(redactedPublicationBody(body, '","comments"')).toBeNull();
    expect(redactedPublicationBody(body, 'said "thanks"')).toContain('Jamie [redacted]');
  });

  it('renders a Markdown text again once the passage is out of it, so its HTML holds no escaped copy', () => {
    const held = JSON.stringify({
      narrative: 'Tom & Jo **Quint**',
      narrativeHtml: '<p>Tom &amp; Jo <strong>Quint</strong></p>',
    });
    const redacted = JSON.parse(redactedPublicationBody(held, 'Tom & Jo **Quint**') ?? 'null');
    expect(redacted).toEqual({ narrative: '[redacted]', narrativeHtml: '<p>[redacted]</p>' });
  });

  it('finds a passage pasted with CRLF in a text published with line feeds', () => {
    const held = JSON.stringify({ narrative: 'one\n\ntwo' });
    expect(redactedPublicationBody(held, 'one\r\n\r\ntwo')).toBe(JSON.stringify({ narrative: '[redacted]' }));
  });

  it('leaves the plan’s words, ids and RAG alone: only a return’s free texts and case studies are redacted', () => {
    const held = JSON.stringify({
      partnership: 'Green Partnership',
      themes: [
        { measures: [{ ref: 'S1', text: 'Green spaces', rag: 'green', narrative: 'Met Green at home' }] },
      ],
      appendices: [
        {
          title: 'Green',
          groups: [
            {
              title: 'Green',
              caseStudies: [
                { title: 'Green', sections: [{ heading: 'Green', body: 'Green', bodyHtml: '<p>Green</p>' }] },
              ],
            },
          ],
        },
      ],
    });
    expect(JSON.parse(redactedPublicationBody(held, 'Green') ?? 'null')).toEqual({
      partnership: 'Green Partnership',
      themes: [
        {
          measures: [{ ref: 'S1', text: 'Green spaces', rag: 'green', narrative: 'Met [redacted] at home' }],
        },
      ],
      appendices: [
        {
          title: 'Green',
          groups: [
            {
              title: 'Green',
              caseStudies: [
                {
                  title: '[redacted]',
                  sections: [{ heading: 'Green', body: '[redacted]', bodyHtml: '<p>[redacted]</p>' }],
                },
              ],
            },
          ],
        },
      ],
    });
  });
});
