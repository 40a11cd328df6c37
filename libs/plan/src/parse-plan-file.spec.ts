import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanFile } from './parse-plan-file.js';

const example = readFileSync(join(__dirname, '../../../examples/sevenoaks-2019-22.yaml'), 'utf8');

describe('parsePlanFile', () => {
  it('reads the Sevenoaks plan: six themes and all 27 measures with their wording', () => {
    const parsed = parsePlanFile(example);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { plan } = parsed;
    expect(plan.themes.map((t) => t.title)).toEqual([
      'Safe Communities',
      'Caring Communities',
      'Green Environment',
      'Healthy Environment',
      'Dynamic Economy',
      'Sustainable Economy',
    ]);
    const refs = plan.themes.flatMap((t) => t.measures.map((m) => m.ref));
    const expected = [
      ...[1, 2, 3, 4, 5].map((n) => `S${n}`),
      ...[1, 2, 3, 4, 5, 6].map((n) => `C${n}`),
      ...[1, 2, 3, 4].map((n) => `G${n}`),
      ...[1, 2, 3, 4].map((n) => `H${n}`),
      ...[1, 2, 3, 4].map((n) => `D${n}`),
      ...[1, 2, 3, 4].map((n) => `Sus${n}`),
    ];
    expect(refs).toEqual(expected);
    const s1 = plan.themes[0].measures[0];
    expect(s1.text).toBe(
      '85% of actions in the Community Safety Partnership Strategy and action plan achieved each year',
    );
    expect(plan.themes.every((t) => t.priorities.length > 0 && t.leadAgencies.length > 0)).toBe(true);
    expect(plan.plan.periodStart).toBe('2019-04-01');
  });

  it('rejects a bad file whole, listing every problem with its line', () => {
    const source = [
      'partnership:',
      '  id: Bad Id',
      '  name: Somewhere LSP',
      'plan:',
      '  id: p',
      '  title: A plan',
      '  periodStart: 2019-04-01',
      '  periodEnd: 2018-03-31',
      'agencies:',
      '  - id: council',
      '    name: The Council',
      '    contacts:',
      '      - { name: Ann, email: not-an-email, role: lead }',
      'themes:',
      '  - id: safe',
      '    title: Safe',
      '    ambition: Safer',
      '    leadAgencies: [council]',
      '    measures:',
      '      - { ref: S1, text: One, leadAgency: police }',
      '      - { ref: S1, text: Two, leadAgency: council }',
      '      - { ref: S3, leadAgency: council }',
    ].join('\n');
    const parsed = parsePlanFile(source);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.problems.map((p) => `${p.line} ${p.path} ${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '2 partnership.id must be lower-case words joined by "-"',
        '8 plan.periodEnd must be after periodStart',
        '13 agencies[0].contacts[0].email must be an email address',
        '20 themes[0].measures[0].leadAgency names agency "police", which is not under agencies',
        '21 themes[0].measures[1].ref duplicate measure ref "S1" (first at themes[0].measures[0].ref)',
        '22 themes[0].measures[2].text is required',
      ]),
    );
    expect(parsed.problems).toHaveLength(6);
  });

  it('reports YAML syntax errors with their line', () => {
    const parsed = parsePlanFile('partnership:\n  id: x\n  name: [unclosed\nplan: {}\n');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0].line).toBeGreaterThanOrEqual(3);
  });
});
