import { PlanFileProblem } from './plan-file.js';

/**
 * A plan file is a few levels deep (themes, measures, contacts). The YAML parser's time grows with how deeply a
 * document nests: 100,000 brackets, a few hundred kilobytes, held the api's one thread for about 8 s. So the
 * file's nesting is measured first, in one pass over its text, and a file nested far beyond any plan is refused
 * before it is parsed.
 */
export const PLAN_FILE_NESTING = { flowDepth: 32, compactItems: 16, indentColumns: 200 } as const;

export function yamlNestingProblem(source: string): PlanFileProblem | null {
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') {
      line += 1;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ') {
        indent += 1;
        if (indent > PLAN_FILE_NESTING.indentColumns) {
          return problem(line, `is indented more than ${PLAN_FILE_NESTING.indentColumns} columns`);
        }
        continue;
      }
      lineStart = false;
      const items = /^(?:-[ \t]+)+/.exec(source.slice(i, i + 4 * PLAN_FILE_NESTING.compactItems));
      if (items && items[0].split('-').length - 1 > PLAN_FILE_NESTING.compactItems) {
        return problem(line, `starts more than ${PLAN_FILE_NESTING.compactItems} lists on one line`);
      }
    }
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = null;
    } else if ((c === '"' || c === "'") && depth > 0) {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(source[i - 1]))) {
      const end = source.indexOf('\n', i);
      i = (end < 0 ? source.length : end) - 1;
    } else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > PLAN_FILE_NESTING.flowDepth) {
        return problem(line, `nests lists or maps more than ${PLAN_FILE_NESTING.flowDepth} deep`);
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth -= 1;
    }
  }
  return null;
}

function problem(line: number, what: string): PlanFileProblem {
  return {
    path: '',
    line,
    message: `Line ${line} ${what}: no plan file does; the file was not read further`,
  };
}

/**
 * The most lines a plan file may have: a partnership's plan of a thousand measures is some 12,000. Parsing takes
 * time in proportion to the text; this keeps the longest at a fraction of a second.
 */
export const PLAN_FILE_MAX_LINES = 50_000;

export function planFileLengthProblem(source: string): PlanFileProblem | null {
  let lines = 1;
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) {
    if (++lines > PLAN_FILE_MAX_LINES) {
      return {
        path: '',
        line: PLAN_FILE_MAX_LINES + 1,
        message: `The file has more than ${PLAN_FILE_MAX_LINES.toLocaleString('en-GB')} lines: no plan file does; the file was not read`,
      };
    }
  }
  return null;
}
