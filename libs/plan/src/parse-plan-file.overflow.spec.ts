import { parsePlanFile } from './parse-plan-file.js';

// Past the nesting scan (as a file the scan misjudged could be), the parser runs out of stack on deep nesting.
jest.mock('./yaml-nesting.js', () => ({
  ...jest.requireActual<typeof import('./yaml-nesting.js')>('./yaml-nesting.js'),
  yamlNestingProblem: () => null,
}));

describe('parsePlanFile, when the parser itself runs out of stack', () => {
  it('answers the nesting refusal, never "Maximum call stack size exceeded" as a YAML problem', () => {
    const parsed = parsePlanFile(`x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(parsed).toEqual({
      ok: false,
      problems: [{ path: '', line: 1, message: expect.stringContaining('nests lists or maps too deeply') }],
    });
    expect(JSON.stringify(parsed)).not.toMatch(/YAML|stack/i);
  });
});
