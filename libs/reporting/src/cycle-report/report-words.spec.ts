import { leadAgenciesLine } from './report-words.js';

describe('leadAgenciesLine', () => {
  // Each as the seed report introduces its themes (sevenoaks-community-plan-monitoring-2019-20.md).
  it.each([
    [
      ['Sevenoaks District Community Safety Partnership'],
      'Lead Agency: Sevenoaks District Community Safety Partnership',
    ],
    [
      ['Sevenoaks District Council', "Sevenoaks District Local Children's Partnership Group (KCC)"],
      "Lead Agencies: Sevenoaks District Council and the Sevenoaks District Local Children's Partnership Group (KCC)",
    ],
    [
      ['Sevenoaks District Council', 'Kent County Council'],
      'Lead Agencies: Sevenoaks District Council and Kent County Council',
    ],
    [
      ['Sevenoaks District Council', 'Kent County Council', 'Sevenoaks District Local Strategic Partnership'],
      'Lead Agencies: Sevenoaks District Council, Kent County Council and the Sevenoaks District Local Strategic Partnership',
    ],
  ])('%j reads %j', (names, line) => {
    expect(leadAgenciesLine(names)).toBe(line);
  });

  it('gives "the" to a body named for what it is, not to one named for its place, nor twice', () => {
    expect(leadAgenciesLine(['Kent Police', 'Health Action Team', 'Kent Fire and Rescue Service'])).toBe(
      'Lead Agencies: Kent Police, the Health Action Team and Kent Fire and Rescue Service',
    );
    expect(leadAgenciesLine(['Kent Police', 'The Youth Forum'])).toBe(
      'Lead Agencies: Kent Police and The Youth Forum',
    );
    expect(leadAgenciesLine([])).toBe('');
  });
});
