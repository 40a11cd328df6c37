import { Indicator } from './indicator.js';
import { indicatorRag, suggestRag, thresholdValue } from './suggest-rag.js';

const actions: Indicator = {
  name: 'Actions achieved',
  unit: '%',
  baseline: 80,
  target: 85,
  direction: 'higher-is-better',
  amber: { value: 80 },
  red: { value: 70 },
};
const waiting: Indicator = {
  name: 'Days waiting',
  unit: 'days',
  baseline: null,
  target: 20,
  direction: 'lower-is-better',
  amber: { variance: 10 },
  red: { variance: 50 },
};

describe('indicatorRag', () => {
  it.each([
    [90, 'green'],
    [85, 'green'],
    [80, 'green'], // at the amber threshold: the better colour
    [79.99, 'amber'],
    [70, 'amber'], // at the red threshold: the better colour
    [69.99, 'red'],
    [-5, 'red'],
  ])('higher is better, thresholds as values: %p is %p', (value, rag) => {
    expect(indicatorRag(actions, value)).toBe(rag);
  });

  it.each([
    [10, 'green'],
    [22, 'green'], // 10% over a target of 20 is 22
    [22.01, 'amber'],
    [30, 'amber'], // 50% over is 30
    [30.01, 'red'],
  ])('lower is better, thresholds as %% variance: %p is %p', (value, rag) => {
    expect(indicatorRag(waiting, value)).toBe(rag);
  });

  it('a variance is a share of the target, taken in the worse direction', () => {
    expect(thresholdValue(actions, { variance: 5 })).toBeCloseTo(80.75);
    expect(thresholdValue(waiting, { variance: 5 })).toBeCloseTo(21);
    expect(thresholdValue({ target: -10, direction: 'higher-is-better' }, { variance: 10 })).toBeCloseTo(-11);
    expect(thresholdValue(actions, { value: 3 })).toBe(3);
  });

  it('an amber threshold at the target makes anything short of it amber', () => {
    const strict = { ...actions, amber: { variance: 0 } };
    expect(indicatorRag(strict, 85)).toBe('green');
    expect(indicatorRag(strict, 84.9)).toBe('amber');
  });
});

describe('suggestRag', () => {
  it('is the worst of the indicators', () => {
    expect(
      suggestRag(
        [actions, waiting],
        [
          { name: 'Actions achieved', value: 90 },
          { name: 'Days waiting', value: 25 },
        ],
      ),
    ).toBe('amber');
    expect(
      suggestRag(
        [actions, waiting],
        [
          { name: 'Actions achieved', value: 60 },
          { name: 'Days waiting', value: 25 },
        ],
      ),
    ).toBe('red');
    expect(
      suggestRag(
        [actions, waiting],
        [
          { name: 'Actions achieved', value: 85 },
          { name: 'Days waiting', value: 20 },
        ],
      ),
    ).toBe('green');
  });

  it('leaves out an indicator without a value, and suggests nothing without any', () => {
    expect(suggestRag([actions, waiting], [{ name: 'Days waiting', value: 40 }])).toBe('red');
    expect(suggestRag([actions, waiting], [{ name: 'Actions achieved', value: null }])).toBeNull();
    expect(suggestRag([actions, waiting], [])).toBeNull();
    expect(suggestRag([actions, waiting], undefined)).toBeNull();
    expect(suggestRag([], [{ name: 'Actions achieved', value: 1 }])).toBeNull();
  });

  it('ignores values for names the measure does not declare', () => {
    expect(suggestRag([actions], [{ name: 'Something else', value: 0 }])).toBeNull();
  });
});
