import { Document, isAlias, isCollection, isScalar, LineCounter, Node, visit, YAMLError } from 'yaml';

/** A YAML syntax problem: the 1-based line at fault and what is wrong there. */
export interface SyntaxProblem {
  line: number;
  message: string;
  /** The lines the fault garbles (first and last): what is read from them is no problem of its own. */
  lines: [number, number];
}

/**
 * The parser's errors, each on the line a person has to fix. The parser notices some faults later than where
 * they are: a key indented too far makes the line above it look like the start of a two-line key (reported on
 * the line above), and an unclosed quote or bracket is reported where the parser gave up on it (the next line,
 * or the end of the file). Those are moved to the line at fault; two errors about one fault become one.
 */
export function yamlSyntaxProblems(doc: Document, lines: LineCounter): SyntaxProblem[] {
  const lineAt = (offset: number) => lines.linePos(offset).line;
  const twoLineKeys = doc.errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
  const problems: SyntaxProblem[] = [];
  for (const error of doc.errors) {
    const twoLineKey = twoLineKeys.find((k) => k.pos[0] === error.pos[0]);
    // The same fault as a two-line key, told from another side: the two-line key says it.
    if (twoLineKey && twoLineKey !== error) continue;
    const line = faultLine(doc, error, lineAt);
    const [from, to] = [lineAt(error.pos[0]), lineAt(Math.max(error.pos[0], error.pos[1] - 1))];
    problems.push({ line, message: firstLine(error), lines: [Math.min(from, line), Math.max(to, line)] });
  }
  // Both in one pass, in document order, each a set lookup: the parser's own duplicate-key check compares every
  // key of a map with every other (100,000 keys held the api's one thread for two minutes), and resolving each
  // alias walks the whole document again (4,000 aliases: 18 s). parsePlanFile turns the parser's check off.
  const anchors = new Set<string>();
  const keysOf = new Map<unknown, Set<string>>();
  visit(doc, {
    Node(_key, node) {
      if (!isAlias(node) && node.anchor) anchors.add(node.anchor);
    },
    Pair(_key, pair, path) {
      const map = path[path.length - 1];
      if (!isScalar(pair.key) || !pair.key.range) return;
      const name = `${typeof pair.key.value}:${String(pair.key.value)}`;
      const seen = keysOf.get(map) ?? new Set<string>();
      keysOf.set(map, seen);
      if (seen.has(name)) {
        const line = lineAt(pair.key.range[0]);
        problems.push({ line, message: PLAIN_WORDS.DUPLICATE_KEY!, lines: [line, line] });
      }
      seen.add(name);
    },
    // An alias to an anchor that does not exist (or comes only after it) is no parse error, but nothing can be
    // read from it.
    Alias(_key, alias) {
      if (!anchors.has(alias.source) && alias.range) {
        const line = lineAt(alias.range[0]);
        problems.push({
          line,
          message: `*${alias.source} names no anchor (&${alias.source})`,
          lines: [line, line],
        });
      }
    },
  });
  return problems;
}

function faultLine(doc: Document, error: YAMLError, lineAt: (offset: number) => number): number {
  const [start, end] = error.pos;
  // A key that runs onto a second line: the second line is the one indented wrongly.
  if (error.code === 'MULTILINE_IMPLICIT_KEY') return lineAt(Math.max(start, end - 1));
  if (/closing|end with/i.test(error.message)) {
    const unclosed = innermostOpenedBefore(doc, start, lineAt);
    if (unclosed) return lineAt(unclosed.range![0]);
  }
  return lineAt(start);
}

/** The innermost quoted text or bracketed collection that began on an earlier line and runs up to `offset`. */
function innermostOpenedBefore(
  doc: Document,
  offset: number,
  lineAt: (offset: number) => number,
): Node | null {
  let found: Node | null = null;
  visit(doc, (_key, node) => {
    if (isAlias(node) || !(isScalar(node) || isCollection(node)) || !node.range) return;
    const opened =
      (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) ||
      (isCollection(node) && node.flow === true);
    const [from, , to] = node.range;
    if (opened && from < offset && offset <= to && lineAt(from) < lineAt(offset)) found = node;
  });
  return found;
}

/** The commonest slips in words a coordinator knows, the parser's own words for the rest. */
const PLAIN_WORDS: Partial<Record<YAMLError['code'], string>> = {
  MULTILINE_IMPLICIT_KEY: 'this line is indented further than the keys above it',
  TAB_AS_INDENT: 'indent with spaces: tabs are not allowed',
  DUPLICATE_KEY: 'this key is already given above, in the same place',
};

function firstLine(error: YAMLError): string {
  const parser = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const plain = PLAIN_WORDS[error.code];
  return plain ? `${plain} (YAML: ${parser})` : `YAML: ${parser}`;
}
