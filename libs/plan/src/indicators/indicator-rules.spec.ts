import { parsePlanFile } from '../parse-plan-file.js';

/** A one-measure plan file whose measure declares `indicators` (YAML lines, indented under the measure). */
const planWith = (...indicators: string[]) =>
  [
    'partnership: { id: lsp, name: Somewhere LSP }',
    'plan: { id: p, title: Plan, periodStart: 2019-04-01, periodEnd: 2022-03-31 }',
    'agencies:',
    '  - id: council',
    '    name: The Council',
    '    contacts: [{ name: Ann, email: ann@example.org }]',
    'themes:',
    '  - id: safe',
    '    title: Safe',
    '    ambition: Safer',
    '    leadAgencies: [council]',
    '    measures:',
    '      - ref: S1',
    '        text: Actions achieved',
    '        leadAgency: council',
    '        indicators:',
    ...indicators.map((line) => `          ${line}`),
  ].join('\n');

const actions = [
  '- name: Actions achieved',
  '  unit: "%"',
  '  baseline: 80',
  '  target: 85',
  '  direction: higher-is-better',
  '  amber: { value: 80 }',
  '  red: { variance: 20 }',
];

const problems = (source: string) => {
  const parsed = parsePlanFile(source);
  return parsed.ok ? [] : parsed.problems.map((p) => `line ${p.line}: ${p.path} ${p.message}`);
};

describe('plan file indicators', () => {
  it('reads a measure indicators, a missing baseline as null', () => {
    const parsed = parsePlanFile(
      planWith(
        ...actions,
        '- { name: Complaints, unit: count, target: 3, direction: lower-is-better, amber: { value: 5 }, red: { value: 10 } }',
      ),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.plan.themes[0].measures[0].indicators).toEqual([
      {
        name: 'Actions achieved',
        unit: '%',
        baseline: 80,
        target: 85,
        direction: 'higher-is-better',
        amber: { value: 80 },
        red: { variance: 20 },
      },
      {
        name: 'Complaints',
        unit: 'count',
        baseline: null,
        target: 3,
        direction: 'lower-is-better',
        amber: { value: 5 },
        red: { value: 10 },
      },
    ]);
  });

  it('a measure without indicators has no indicators key', () => {
    const parsed = parsePlanFile(planWith().replace('        indicators:', ''));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect('indicators' in parsed.plan.themes[0].measures[0]).toBe(false);
  });

  it('refuses duplicate names within a measure, without case, at the second one line', () => {
    expect(problems(planWith(...actions, ...actions.map((l) => l.replace('Actions', 'ACTIONS'))))).toEqual([
      'line 24: themes[0].measures[0].indicators[1].name duplicate indicator name "ACTIONS achieved" in this measure (first at indicators[0])',
    ]);
  });

  it('refuses thresholds that disagree with the direction', () => {
    const lower = actions.map((l) => l.replace('higher-is-better', 'lower-is-better'));
    expect(problems(planWith(...lower))).toEqual([
      'line 22: themes[0].measures[0].indicators[0].amber must be at the target (85) or above it, as lower-is-better',
    ]);
    const redAboveAmber = actions.map((l) => l.replace('variance: 20', 'value: 82'));
    expect(problems(planWith(...redAboveAmber))).toEqual([
      'line 23: themes[0].measures[0].indicators[0].red must be below the amber threshold (80), as higher-is-better',
    ]);
    const equal = actions.map((l) => l.replace('variance: 20', 'value: 80'));
    expect(problems(planWith(...equal))).toHaveLength(1);
    const amberAboveTarget = actions.map((l) => l.replace('value: 80', 'value: 90'));
    expect(problems(planWith(...amberAboveTarget))).toEqual([
      'line 22: themes[0].measures[0].indicators[0].amber must be at the target (85) or below it, as higher-is-better',
    ]);
  });

  it('refuses a variance from a target of 0', () => {
    expect(problems(planWith(...actions.map((l) => l.replace('target: 85', 'target: 0'))))).toEqual([
      'line 20: themes[0].measures[0].indicators[0].target must not be 0 when a threshold is a variance (a per cent of the target)',
    ]);
  });

  it('names every shape problem with its line: missing keys, text for numbers, both kinds of threshold, bad direction', () => {
    expect(
      problems(
        planWith(
          '- name: Actions achieved',
          '  unit: "%"',
          '  target: lots',
          '  direction: up',
          '  amber: { value: 80, variance: 5 }',
          '  red: { value: .nan }',
          '  colour: blue',
        ),
      ),
    ).toEqual([
      'line 19: themes[0].measures[0].indicators[0].target must be a number',
      'line 20: themes[0].measures[0].indicators[0].direction must be "higher-is-better" or "lower-is-better"',
      'line 21: themes[0].measures[0].indicators[0].amber must have one of value or variance',
      'line 22: themes[0].measures[0].indicators[0].red.value must be a number',
      'line 23: themes[0].measures[0].indicators[0].colour is not a key here (known: name, unit, baseline, target, direction, amber, red)',
    ]);
  });

  it('refuses numbers beyond a sane range, infinity too', () => {
    expect(problems(planWith(...actions.map((l) => l.replace('baseline: 80', 'baseline: 1e13'))))).toEqual([
      'line 19: themes[0].measures[0].indicators[0].baseline must be at most 1,000,000,000,000',
    ]);
    expect(problems(planWith(...actions.map((l) => l.replace('target: 85', 'target: -.inf'))))).toEqual([
      'line 20: themes[0].measures[0].indicators[0].target must be a number',
    ]);
  });
});
