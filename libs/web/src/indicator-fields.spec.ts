import { Indicator } from '../../plan/src/index.js';
import { indicatorValuesFromForm } from './indicator-fields.js';

const referrals: Indicator = {
  name: 'Referrals',
  unit: '%',
  baseline: null,
  target: 85,
  direction: 'higher-is-better',
  amber: { variance: 5 },
  red: { variance: 10 },
};

const read = (typed: string) => indicatorValuesFromForm({ 'indicator-0': typed }, [referrals]);

describe('indicatorValuesFromForm', () => {
  it('reads a value typed with its unit, spaces beside the unit or not', () => {
    for (const typed of ['85%', '85 %', ' 85 % ', '£ 1,930', '1,930£', '8.5 %%'])
      expect(read(typed).errors).toEqual([]);
    expect(read('85 %').values[0].value).toBe(85);
    expect(read('£ 1,930').values[0].value).toBe(1930);
    expect(read('8 5%').errors).toHaveLength(1);
  });

  /**
   * An attacker's probe: the units and the spaces beside them were removed with a regex of the unit and `\s*` either
   * side, tried from every space to the end of its run: a field of 40,000 spaces between two letters took 2 s of the
   * api's one thread, and a form may carry 2 MB.
   */
  it('reads a field of 200,000 spaces in bounded time, and says it is no number', () => {
    const start = performance.now();
    const { errors } = read(`x${' '.repeat(200_000)}x`);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(errors).toEqual([{ id: 'indicator-0', text: 'Referrals must be a number, like 85 or 1.5' }]);
  });
});
