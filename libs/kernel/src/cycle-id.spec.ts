import { CYCLE_NAME, cycleNameFromLabel, firstFreeCycleName } from './cycle-id.js';

describe("a cycle's name read from its label", () => {
  it('is the label in lower case, its words joined by one "-"', () => {
    expect(cycleNameFromLabel('Year 1 2019/20')).toBe('year-1-2019-20');
    expect(cycleNameFromLabel('Year 1 2019/20 (April 2019 - March 2020)')).toBe(
      'year-1-2019-20-april-2019-march-2020',
    );
    expect(cycleNameFromLabel('  --Q3: Jan–Mar 2021!! ')).toBe('q3-jan-mar-2021');
  });

  it('drops accents rather than breaking a word at them', () => {
    expect(cycleNameFromLabel('Année 2 – Évaluation')).toBe('annee-2-evaluation');
  });

  it('is cut at a word to the longest a name may be', () => {
    const label = `Year 1 ${'monitoring '.repeat(10)}2019/20`;
    const name = cycleNameFromLabel(label)!;
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^year-1-(monitoring-)+monitoring$/);
    // A single word longer than a name can only be cut inside it.
    expect(cycleNameFromLabel('x'.repeat(100))).toBe('x'.repeat(64));
  });

  it('is none when the label has no letter or digit to read', () => {
    for (const label of ['🎉🎉', ' / - ', '', null, undefined]) expect(cycleNameFromLabel(label)).toBeNull();
  });

  it('is always a well-formed cycle name', () => {
    for (const label of ['Year 1 2019/20', 'ÀÉÎ', `${'a'.repeat(63)} b c`, '1', 'ß straße']) {
      expect(cycleNameFromLabel(label)).toMatch(CYCLE_NAME);
    }
  });
});

describe('the first free cycle name', () => {
  it('is the name itself when the partnership has no cycle of that name', () => {
    expect(firstFreeCycleName('year-1-2019-20', new Set(['year-2-2020-21']))).toBe('year-1-2019-20');
  });

  it('counts on from -2 past every name taken, whether drafted, open or closed', () => {
    expect(firstFreeCycleName('year-1-2019-20', new Set(['year-1-2019-20']))).toBe('year-1-2019-20-2');
    expect(
      firstFreeCycleName(
        'year-1-2019-20',
        new Set(['year-1-2019-20', 'year-1-2019-20-2', 'year-1-2019-20-3']),
      ),
    ).toBe('year-1-2019-20-4');
    // A gap is taken first: a cycle of -2 that was never drafted leaves -2 free.
    expect(firstFreeCycleName('year-1-2019-20', new Set(['year-1-2019-20', 'year-1-2019-20-3']))).toBe(
      'year-1-2019-20-2',
    );
  });

  it('keeps its suffix within the longest a name may be, cutting the name before it', () => {
    const long = cycleNameFromLabel(`Year 1 ${'monitoring '.repeat(10)}`)!;
    const next = firstFreeCycleName(long, new Set([long]));
    expect(next).toMatch(CYCLE_NAME);
    expect(next).toMatch(/^year-1-(monitoring-)+2$/);
    const word = 'x'.repeat(64);
    expect(firstFreeCycleName(word, new Set([word]))).toBe(`${'x'.repeat(62)}-2`);
  });
});
