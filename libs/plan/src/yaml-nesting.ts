import { PlanFileProblem } from './plan-file.js';

/**
 * A plan file is a few levels deep (themes, measures, contacts). The YAML parser's time grows with how deeply a
 * document nests: 100,000 brackets, a few hundred kilobytes, held the api's one thread for about 8 s. So the
 * file's nesting is measured first, in one pass over its text, and a file nested far beyond any plan is refused
 * before it is parsed.
 *
 * Brackets inside a quoted scalar are text, not nesting. A quote opens one only where YAML starts a scalar (at
 * the start of the file or after `[`, `{`, `,`, `: `, `- `, `? `, an anchor or a tag): the `'` of `it's` or
 * `a'` inside a plain scalar opens nothing. Where the scan could still misread a quote, it errs on the side of
 * counting: brackets inside what it takes for quotes are counted too, against the larger quotedDepth, so no
 * placing of quotes lets a file nest deeper than that unrefused.
 */
export const PLAN_FILE_NESTING = {
  flowDepth: 32,
  quotedDepth: 256,
  compactItems: 16,
  indentColumns: 200,
} as const;

const FLOW_INDICATOR = /[[\]{},]/;
const SPACE = /[ \t\r\n]/;

export function yamlNestingProblem(source: string): PlanFileProblem | null {
  let depth = 0;
  // Brackets opened, less those closed, inside what the scan took for quoted scalars (never reset).
  let quotedDepth = 0;
  let quote: '"' | "'" | null = null;
  // Whether a scalar may start here: a quote here opens a quoted scalar. Spaces and line ends leave it as it is.
  let scalarStart = true;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let lineFirst = 0;
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
      lineFirst = i;
      const items = /^(?:-[ \t]+)+/.exec(source.slice(i, i + 4 * PLAN_FILE_NESTING.compactItems));
      if (items && items[0].split('-').length - 1 > PLAN_FILE_NESTING.compactItems) {
        return problem(line, `starts more than ${PLAN_FILE_NESTING.compactItems} lists on one line`);
      }
    }
    const next = source[i + 1] ?? '\n';
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === "'" && quote === "'" && next === "'") i += 1;
      else if (c === quote) {
        quote = null;
        scalarStart = false;
      } else if (c === '[' || c === '{') {
        quotedDepth += 1;
        if (depth + quotedDepth > PLAN_FILE_NESTING.quotedDepth) {
          return problem(line, `nests lists or maps more than ${PLAN_FILE_NESTING.flowDepth} deep`);
        }
      } else if ((c === ']' || c === '}') && quotedDepth > 0) {
        quotedDepth -= 1;
      }
    } else if (c === ' ' || c === '\t' || c === '\r') {
      continue;
    } else if (c === '#' && (i === 0 || SPACE.test(source[i - 1]))) {
      const end = source.indexOf('\n', i);
      i = (end < 0 ? source.length : end) - 1;
    } else if ((c === '"' || c === "'") && scalarStart) {
      quote = c;
    } else if (c === '[' || c === '{') {
      depth += 1;
      scalarStart = true;
      if (depth > PLAN_FILE_NESTING.flowDepth) {
        return problem(line, `nests lists or maps more than ${PLAN_FILE_NESTING.flowDepth} deep`);
      }
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth -= 1;
      scalarStart = false;
    } else if (c === ',' && depth > 0) {
      scalarStart = true;
    } else if (c === ':' && (SPACE.test(next) || (depth > 0 && FLOW_INDICATOR.test(next)))) {
      scalarStart = true;
    } else if (
      (c === '-' || c === '?') &&
      SPACE.test(next) &&
      (scalarStart || (depth === 0 && i === lineFirst))
    ) {
      scalarStart = true;
    } else if ((c === '&' || c === '!') && scalarStart) {
      // An anchor or a tag: a scalar may still start after it. Its name holds no bracket, quote or space.
      while (i + 1 < source.length && !/[ \t\r\n[\]{},'"#]/.test(source[i + 1])) i += 1;
    } else {
      scalarStart = false;
    }
  }
  return null;
}

/**
 * The refusal when the parser itself runs out of stack on a file's nesting (as a file the scan above misjudges
 * could make it): the nesting is what is wrong, never the parser's own words.
 */
export function yamlTooDeepProblem(line: number): PlanFileProblem {
  return problem(line, 'nests lists or maps too deeply to be read');
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
