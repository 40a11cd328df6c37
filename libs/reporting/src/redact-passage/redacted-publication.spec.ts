import { redactedPublicationBody } from './redacted-publication.js';

describe('redactedPublicationBody: a publication re-issued without a passage', () => {
  const body = JSON.stringify({
    title: 'Report',
    themes: [{ measures: [{ ref: 'S1', narrative: 'Jamie said "thanks"', comments: null, rag: 'green' }] }],
    appendices: [{ caseStudies: [{ sections: [{ body: 'Jamie and Jamie' }] }] }],
  });

  it('replaces the passage in every string, the rest byte for byte', () => {
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
});
