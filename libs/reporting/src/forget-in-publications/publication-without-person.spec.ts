import { publicationWithoutPerson } from './publication-without-person.js';

const priya = { emails: ['priya.shah@example.org'], names: ['Priya Shah'] };

const publication = (measure: Record<string, unknown>) =>
  JSON.stringify({ title: 'Monitoring report', themes: [{ measures: [measure] }] });

const measureOf = (body: string | null) =>
  (JSON.parse(body!) as { themes: { measures: Record<string, unknown>[] }[] }).themes[0].measures[0];

describe('publicationWithoutPerson', () => {
  it('takes out their address wherever it stands whole, in any case and in bold, and renders the HTML again', () => {
    const body = publication({
      narrative: 'Ask PRIYA.SHAH@example.org; **priya.shah@example.org** keeps the list.',
      narrativeHtml: '<p>Ask <a href="mailto:PRIYA.SHAH@example.org">PRIYA.SHAH@example.org</a></p>',
    });
    const measure = measureOf(publicationWithoutPerson(body, priya));
    expect(measure.narrative).toBe('Ask [erased]; **[erased]** keeps the list.');
    expect(measure.narrativeHtml).toContain('<strong>[erased]</strong>');
    expect(String(measure.narrativeHtml).toLowerCase()).not.toContain('priya');
  });

  it('takes out a name only where it is the whole text, as the erasure of copies does', () => {
    const body = publication({
      author: ' Priya Shah ',
      narrative: 'Priya Shah and the team met weekly.',
    });
    const measure = measureOf(publicationWithoutPerson(body, priya));
    expect(measure.author).toBe('[erased]');
    expect(measure.narrative).toBe('Priya Shah and the team met weekly.');
  });

  it('leaves a longer address that only ends or starts with theirs, and answers null when nothing was theirs', () => {
    const body = publication({
      narrative: 'Write to reviewer.priya.shah@example.org or priya.shah@example.org.uk.',
    });
    expect(publicationWithoutPerson(body, priya)).toBeNull();
  });
});
