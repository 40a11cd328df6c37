import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean } from './did-you-mean.js';
import { parsePlanFile, PLAN_FILE_MAX_PROBLEMS } from './parse-plan-file.js';
import { PLAN_FILE_MAX_LINES, yamlNestingProblem } from './yaml-nesting.js';

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
    expect(plan.themes.every((t) => t.leadAgencies.length > 0)).toBe(true);
    // Only Caring Communities and Green Environment list their priorities in the seed report; the others give
    // none, and their measures link to none (issue 12 point 5).
    expect(plan.themes.map((t) => [t.id, t.priorities.length])).toEqual([
      ['safe-communities', 0],
      ['caring-communities', 6],
      ['green-environment', 4],
      ['healthy-environment', 0],
      ['dynamic-economy', 0],
      ['sustainable-economy', 0],
    ]);
    expect(plan.themes[0].measures.every((m) => m.priority === undefined)).toBe(true);
    expect(plan.agencies.find((a) => a.id === 'sevenoaks-lcpg')?.name).toBe(
      "Sevenoaks District Local Children's Partnership Group (KCC)",
    );
    expect(plan.plan.periodStart).toBe('2019-04-01');
  });

  it('names a file of too many aliases (a billion laughs) as such, never as 0 problems', () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = parsePlanFile(`${laughs.join('\n')}\n`);
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ line: 1, message: expect.stringMatching(/too many aliases/) })],
    });
  });

  it('answers a file of many aliases or many keys at once, in time that grows with its length', () => {
    // Each was minutes of the api's one thread: the parser's duplicate-key check and resolving each alias were
    // quadratic. Timed against a plain parse of a file as long, so a slow machine does not fail it.
    const aliases = ['a: &a x', ...Array.from({ length: 10_000 }, (_, i) => `b${i}: *a`)].join('\n');
    const keys = ['k0: x', ...Array.from({ length: 20_000 }, (_, i) => `k${i}: x`)].join('\n');
    const plain = Array.from({ length: 20_000 }, (_, i) => `- k${i}`).join('\n');
    const took = (source: string) => {
      const started = performance.now();
      const parsed = parsePlanFile(source);
      return { ms: performance.now() - started, parsed };
    };
    const baseline = took(plain).ms;
    const many = took(aliases);
    expect(many.ms).toBeLessThan(baseline * 10 + 500);
    const twice = took(keys);
    expect(twice.ms).toBeLessThan(baseline * 10 + 500);
    if (twice.parsed.ok) throw new Error('expected problems');
    expect(twice.parsed.problems).toContainEqual({
      path: '',
      line: 2,
      message: expect.stringContaining('this key is already given above'),
    });
    // 20,000 stray keys: the first hundred problems, and a count of the rest.
    expect(twice.parsed.problems).toHaveLength(PLAN_FILE_MAX_PROBLEMS + 1);
    expect(twice.parsed.problems.at(-1)!.message).toMatch(/^… and 19,9\d\d more problems after line \d+/);
  });

  it('refuses a file longer than any plan before parsing it', () => {
    const long = 'x: 1\n'.repeat(PLAN_FILE_MAX_LINES + 1);
    expect(parsePlanFile(long)).toEqual({
      ok: false,
      problems: [
        {
          path: '',
          line: PLAN_FILE_MAX_LINES + 1,
          message: expect.stringContaining('more than 50,000 lines'),
        },
      ],
    });
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

  /** Problems as "line path message", for comparing whole lists. */
  const problemsOf = (source: string): string[] => {
    const parsed = parsePlanFile(source);
    if (parsed.ok) throw new Error('expected problems');
    return parsed.problems.map((p) => `${p.line} ${p.path} ${p.message}`);
  };
  /** The Sevenoaks file with one line replaced, or lines inserted after it. */
  const exampleLines = example.split('\n');
  const lineOf = (text: string, from = 0) => exampleLines.indexOf(text, from) + 1;
  const withLine = (line: number, replacement: string[]) =>
    [...exampleLines.slice(0, line - 1), ...replacement, ...exampleLines.slice(line)].join('\n');

  describe('invisible and lookalike characters in names and emails', () => {
    // An operator's probe: each of these was imported as AgencyContactAdded.
    const contact = lineOf('      - name: Priya Shah');
    const email = contact + 1;
    // A second contact before Priya Shah, whose own address stays.
    const withContact = (name: string, address: string) =>
      withLine(contact, [
        `      - name: ${JSON.stringify(name)}`,
        `        email: ${JSON.stringify(address)}`,
        '        role: senior',
        '      - name: Priya Shah',
      ]);
    it.each([
      [
        'a zero-width space in an email',
        'Priya Shah',
        'priya.shah\u200b@example.org',
        'email',
        'U+200B at character 11',
      ],
      [
        'a full-width letter beside the real address',
        'Priya Shah',
        '\uff50riya.shah@example.org',
        'email',
        'U+FF50 at character 1',
      ],
      [
        'a Cyrillic letter in the domain',
        'Priya Shah',
        'priya.shah@ex\u0430mple.org',
        'email',
        'U+0430 at character 14',
      ],
      [
        'a right-to-left override in a name',
        'Evil\u202eGnp',
        'evil@example.org',
        'name',
        'U+202E at character 5',
      ],
      ['a zero-width joiner in a name', 'Pri\u200dya', 'evil@example.org', 'name', 'U+200D at character 4'],
      ['a control character in a name', 'Pri\u0007ya', 'evil@example.org', 'name', 'U+0007 at character 4'],
    ])('refuses %s, on its line', (_kind, name, address, field, where) => {
      const [line, message] =
        field === 'email'
          ? [email, 'must be written in plain ASCII letters, digits and signs']
          : [contact, 'must not hold invisible or control characters'];
      expect(problemsOf(withContact(name, address))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${line} agencies\\[0\\]\\.contacts\\[0\\]\\.${field} ${message}.*\\(${where.replace('+', '\\+')}\\)`,
          ),
        ),
      ]);
    });

    it('refuses them in agency names, titles and texts too, each on its line', () => {
      const agency = lineOf('    name: Sevenoaks District Community Safety Partnership');
      const source = withLine(agency, ['    name: "Sevenoaks \u202eCSP"']);
      expect(problemsOf(source)).toEqual([
        expect.stringMatching(new RegExp(`^${agency} agencies\\[0\\]\\.name must not hold invisible`)),
      ]);
      const title = lineOf('  title: ' + exampleLines.find((l) => l.startsWith('  title: '))!.slice(9));
      expect(problemsOf(withLine(title, ['  title: "Plan\u200b"']))).toEqual([
        expect.stringMatching(new RegExp(`^${title} plan\\.title must not hold invisible`)),
      ]);
      const text = exampleLines.findIndex((l) => l.startsWith('        text: ')) + 1;
      expect(problemsOf(withLine(text, ['        text: "Reduce\u2066 harm"']))).toEqual([
        expect.stringMatching(
          new RegExp(`^${text} themes\\[0\\]\\.measures\\[0\\]\\.text must not hold invisible`),
        ),
      ]);
    });

    it('still takes texts of several lines, and names with accents', () => {
      const parsed = parsePlanFile(withContact('Zoë Ó Súilleabháin-Łukasz', 'zoe.osullivan@example.org'));
      expect(parsed.ok).toBe(true);
      const text = exampleLines.findIndex((l) => l.startsWith('        text: ')) + 1;
      expect(
        parsePlanFile(withLine(text, ['        text: |', '          Reduce harm.', '          \tAnd more.']))
          .ok,
      ).toBe(true);
    });
  });

  describe('unknown keys, at any depth', () => {
    it('refuses a misspelt role instead of making the contact a lead, and says what was meant', () => {
      const role = lineOf('        role: senior');
      expect(problemsOf(withLine(role, ['        rol: senior']))).toEqual([
        `${role} agencies[0].contacts[1].rol is not a key here: did you mean "role"?`,
      ]);
    });

    it.each([
      ['a measure', '        priority: C-P1', '        priorty: C-P1', 'priorty', 'did you mean "priority"?'],
      [
        'a theme',
        '    leadAgencies: [sevenoaks-csp]',
        '    lead_agencies: [sevenoaks-csp]',
        'lead_agencies',
        'did you mean "leadAgencies"?',
      ],
      [
        'a contact',
        '        email: priya.shah@example.org',
        '        Email: priya.shah@example.org',
        'Email',
        'did you mean "email"?',
      ],
      [
        'an agency',
        '    name: Kent County Council',
        '    nmae: Kent County Council',
        'nmae',
        'did you mean "name"?',
      ],
      [
        'the plan',
        '  periodEnd: 2022-03-31',
        '  periodend: 2022-03-31',
        'periodend',
        'did you mean "periodEnd"?',
      ],
    ])('in %s, on its own line', (_where, original, misspelt, key, hint) => {
      const line = lineOf(original);
      expect(line).toBeGreaterThan(0);
      const problems = problemsOf(withLine(line, [misspelt]));
      expect(problems).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${line} \\S*\\.${key} is not a key here: ${hint.replace(/[?"]/g, '\\$&')}$`),
        ),
      );
    });

    it('lists the known keys when none is near, and calls an unknown top-level key what it is', () => {
      const line = lineOf('    title: Safe Communities');
      const problems = problemsOf(
        withLine(line, ['    title: Safe Communities', '    colour: blue']) + '\nagencys: []\n',
      );
      expect(problems).toEqual([
        `${line + 1} themes[0].colour is not a key here (known: id, title, ambition, leadAgencies, priorities, measures)`,
        `${exampleLines.length + 2} agencys is not a plan file section: did you mean "agencies"?`,
      ]);
    });
  });

  describe('YAML syntax problems, on the line at fault', () => {
    const base = ['partnership:', '  id: x', 'LINE3', 'plan:', '  id: p'];
    it.each([
      ['a key indented too far', '   name: y', 'indented further than the keys above it'],
      ['an unclosed bracket', '  name: [unclosed', 'end with a ]'],
      ['an unclosed quote', '  name: "unclosed', 'Missing closing "quote'],
      ['a tab as indentation', '\tname: y', 'tabs are not allowed'],
      ['a key without its value', '  name', 'Implicit map keys need to be followed by map values'],
      ['a key given twice', '  id: y', 'this key is already given above'],
      ['an alias to no anchor', '  name: *nowhere', '*nowhere names no anchor'],
    ])('%s', (_what, line3, words) => {
      const parsed = parsePlanFile(base.join('\n').replace('LINE3', line3));
      if (parsed.ok) throw new Error('expected problems');
      const syntax = parsed.problems.filter((p) => p.path === '');
      expect(syntax).toEqual([{ path: '', line: 3, message: expect.stringContaining(words) }]);
    });

    it('points at an unclosed flow mapping where it opened, not where the parser gave up', () => {
      const parsed = parsePlanFile('agencies:\n  - { id: a, name: A\n  - { id: b }\nthemes: []\n');
      if (parsed.ok) throw new Error('expected problems');
      expect(parsed.problems.filter((p) => p.path === '').map((p) => p.line)).toEqual([2]);
    });

    it('lists syntax and content problems together, in line order', () => {
      const indented = lineOf('    name: Kent County Council');
      const email = lineOf('        email: laura.whitfield@example.org');
      const role = lineOf('        role: senior', email);
      const source = withLine(role, ['        role: boss'])
        .replace('        email: laura.whitfield@example.org', '        email: not-an-email')
        .split('\n')
        .map((l, i) => (i === indented - 1 ? `   ${l}` : l))
        .join('\n');
      expect(problemsOf(source)).toEqual([
        expect.stringMatching(new RegExp(`^${indented}  this line is indented further`)),
        `${email} agencies[4].contacts[0].email must be an email address`,
        `${role} agencies[4].contacts[1].role must be "lead" or "senior"`,
      ]);
    });
  });

  it('says what is wrong with the wrong kind of value, on the key’s line', () => {
    const source = [
      'partnership: [not, a, mapping]',
      'plan:',
      '  id: 7',
      '  title: ""',
      '  periodStart: 1 April 2019',
      '  periodEnd: 2022-03-31',
      'agencies: none',
      'themes:',
      '  - just a theme name',
    ].join('\n');
    expect(problemsOf(source)).toEqual([
      '1 partnership must be a mapping',
      '3 plan.id must be text',
      '4 plan.title must be non-empty text',
      '5 plan.periodStart must be a date written YYYY-MM-DD',
      '7 agencies must be a list',
      '9 themes[0] must be a mapping',
    ]);
  });

  describe('a file nested far beyond any plan is refused before it is parsed', () => {
    // Parsing time grows with nesting: 100,000 brackets held the api's thread for about 8 s.
    it.each([
      [
        'brackets',
        `partnership: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`,
        1,
        'nests lists or maps more than 32 deep',
      ],
      [
        'braces after a plain start',
        `plan:\n  title: x\nagencies: ${'{a: '.repeat(50_000)}\n`,
        3,
        'nests lists or maps more than 32 deep',
      ],
      ['compact lists', `themes:\n${'- '.repeat(100_000)}x\n`, 2, 'starts more than 16 lists on one line'],
      ['indentation', `themes:\n${' '.repeat(300)}x: 1\n`, 2, 'is indented more than 200 columns'],
    ])('%s', (_kind, source, line, what) => {
      const parsed = parsePlanFile(source);
      expect(parsed).toEqual({
        ok: false,
        problems: [{ path: '', line, message: expect.stringContaining(what) }],
      });
    });

    // An operator's probe: the `'` after `a` (inside a plain scalar) was taken for a quote, so no bracket after it
    // was counted, and the parser answered "YAML: Maximum call stack size exceeded" after 0.5 s.
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    it.each([
      ['an apostrophe after a plain start', (n: number) => `x: [a', ${deep(n)}]\n`],
      ["an apostrophe in a word (it's)", (n: number) => `x: [it's, ${deep(n)}]\n`],
      ['a doubled apostrophe in a plain scalar', (n: number) => `x: [a''b, ${deep(n)}]\n`],
      ['a double quote in a plain scalar', (n: number) => `x: [a", ${deep(n)}]\n`],
      ['a quote in a flow mapping key', (n: number) => `x: {it's: ${deep(n)}}\n`],
      ['a quote in a flow mapping value', (n: number) => `x: {a: b'c, d: ${deep(n)}}\n`],
      ['a quote in a block value', (n: number) => `x: it's ${deep(n)}\n`],
      ['a quote after a quoted scalar', (n: number) => `x: ['a'', ${deep(n)}]\n`],
      ['a quote at the start of a plain continuation line', (n: number) => `x: [a\n'b ${deep(n)}]\n`],
      ['brackets inside what looks quoted', (n: number) => `x: [a,\n'${deep(n)}']\n`],
    ])('%s: refused at once, however the quotes are placed', (_kind, source) => {
      const started = Date.now();
      const parsed = parsePlanFile(source(100_000));
      expect(Date.now() - started).toBeLessThan(300);
      expect(parsed).toEqual({
        ok: false,
        problems: [
          {
            path: '',
            line: expect.any(Number),
            message: expect.stringMatching(/^Line \d+ nests lists or maps/),
          },
        ],
      });
      expect(JSON.stringify(parsed)).not.toMatch(/YAML|stack/i);
    });

    it('still reads quoted scalars where YAML starts them, brackets and all', () => {
      const quoted = `'${'['.repeat(100)}'`;
      for (const source of [
        `a: ${quoted}\n`,
        `a: [b, ${quoted}, "c [d"]\n`,
        `a: {b: ${quoted}, c: "it's [here"}\n`,
        `a:\n  - ${quoted}\n  - 'it''s ${'['.repeat(40)}'\n`,
        `a: &x ${quoted}\nb: !!str ${quoted}\n`,
        `a: ['${'{'.repeat(40)}'' ${'['.repeat(40)}']\n`,
      ]) {
        expect([source, yamlNestingProblem(source)]).toEqual([source, null]);
      }
    });

    it('counts no bracket inside quotes or comments, and reads the Sevenoaks plan unchanged', () => {
      const deepText = `'${'['.repeat(100)}'`;
      expect(yamlNestingProblem(`a: [${deepText}, "${'{'.repeat(100)}"] # ${'['.repeat(100)}\n`)).toBeNull();
      expect(yamlNestingProblem(example)).toBeNull();
    });
  });

  it('names an empty file, and a missing section where the file starts', () => {
    expect(problemsOf('')).toEqual(['1  must be a mapping']);
    const partnership = lineOf('partnership:');
    const withoutIt = withLine(partnership, []).split('\n');
    withoutIt.splice(partnership - 1, 2);
    expect(problemsOf(withoutIt.join('\n'))).toEqual([`${lineOf('plan:') - 3} partnership is required`]);
  });
});

describe('didYouMean', () => {
  it.each([
    ['rol', 'role'],
    ['priorty', 'priority'],
    ['emial', 'email'],
    ['LeadAgency', 'leadAgency'],
    ['lead-agencies', 'leadAgencies'],
    ['contact', 'contacts'],
  ])('takes %s for %s', (typed, meant) => {
    expect(
      didYouMean(typed, ['role', 'priority', 'email', 'leadAgency', 'leadAgencies', 'contacts', 'name']),
    ).toBe(meant);
  });

  it('suggests nothing far off', () => {
    expect(
      didYouMean('colour', ['id', 'title', 'ambition', 'leadAgencies', 'priorities', 'measures']),
    ).toBeNull();
    expect(didYouMean('i', ['id'])).toBe('id');
    expect(didYouMean('zz', ['id'])).toBeNull();
  });
});
